import Kube
import KubeSim
import Manifest
import Testing

/// Later benchmarks need a large cluster: 50 nodes, 1,000 pods and 5,000 other objects. How
/// long a list and a reconcile pass take is printed, not asserted (the test shares 2 cores with
/// every other test): `scripts/bench/sim-scale.sh` measures it in a release build.
@Suite struct ScaleTests {
  @Test func largeClusterListsAndReconciles() async throws {
    let scenario = Scenario(
      nodes: (1...50).map { Scenario.Node(name: "node-\($0)", allocatable: ["cpu": 64, "memory": 512 * 1_073_741_824, "nvidia.com/gpu": 8, "pods": 110]) },
      defaults: Scenario.ImageBehaviour(pullSeconds: 1, modelLoadSeconds: 0),
      objects: [["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "llm"]]])
    let sim = KubeSim(scenario: scenario)
    for i in 0..<20 {
      _ = try await sim.apply(SimFixtures.deployment(replicas: 50, gpu: false, name: "app-\(i)"), options: ApplyOptions(fieldManager: "release"))
    }
    for i in 0..<5_000 {
      _ = try await sim.create(
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("cm-\(i)"), "namespace": "llm"], "data": ["i": .string(String(i))]],
        options: WriteOptions())
    }
    await sim.advance(by: .seconds(30))
    let pods = try await sim.list(SimFixtures.podGVK, namespace: "llm").items
    #expect(pods.count == 1_000)

    let clock = ContinuousClock()
    let listStart = clock.now
    let configMaps = try await sim.list(GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "llm")
    let listTime = clock.now - listStart
    #expect(configMaps.items.count == 5_000)

    let passStart = clock.now
    await sim.advance(by: .seconds(1))
    let passTime = clock.now - passStart
    print("scale: list of 5000 in \(listTime), reconcile pass over 1000 pods in \(passTime)")
    #expect(try await sim.list(SimFixtures.podGVK, namespace: "llm").items.count == 1_000)
  }
}
