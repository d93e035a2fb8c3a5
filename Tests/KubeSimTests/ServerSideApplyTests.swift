import Kube
import KubeSim
import Manifest
import Testing

@Suite struct ServerSideApplyTests {
  static let hpa: Value = [
    "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": ["name": "vllm", "namespace": "llm"],
    "spec": [
      "scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": "vllm"], "minReplicas": 1, "maxReplicas": 4,
      "metrics": [["type": "Pods", "pods": ["metric": ["name": "gpu_cache_usage_perc"], "target": ["type": "AverageValue", "averageValue": "0.7"]]]],
    ],
  ]

  @Test func applyingTheSameObjectTwiceChangesNothing() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let first = try await sim.apply(SimFixtures.deployment(replicas: 2), options: ApplyOptions(fieldManager: "release"))
    let again = try await sim.apply(SimFixtures.deployment(replicas: 2), options: ApplyOptions(fieldManager: "release"))
    #expect(first[path: ["metadata", "resourceVersion"]] != nil)
    let live = try await sim.get(SimFixtures.deploymentID)
    #expect(again[path: ["metadata", "generation"]] == 1)
    #expect(live[path: ["metadata", "generation"]] == 1)
  }

  /// The issue's case: an HPA scales through the scale subresource and so owns spec.replicas;
  /// a later apply that omits replicas leaves the HPA's value, and one that sets it conflicts.
  @Test func hpaOwnedReplicasSurviveAnApplyThatOmitsThem() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 4))
    _ = try await sim.apply(SimFixtures.deployment(replicas: 1), options: ApplyOptions(fieldManager: "release"))
    _ = try await sim.apply(Self.hpa, options: ApplyOptions(fieldManager: "release"))
    await sim.setMetric("gpu_cache_usage_perc", value: 1.4)  // twice the target: double the pods
    await sim.advance(by: .seconds(20))
    var live = try await sim.get(SimFixtures.deploymentID)
    #expect(live[path: ["spec", "replicas"]] == 2)
    let managers = (live[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap { $0["manager"]?.stringValue }
    #expect(managers.contains("horizontal-pod-autoscaler"))

    var withoutReplicas = SimFixtures.deployment(replicas: 1)
    withoutReplicas[path: ["spec", "replicas"]] = nil
    withoutReplicas[path: ["metadata", "annotations", "note"]] = "second apply"
    _ = try await sim.apply(withoutReplicas, options: ApplyOptions(fieldManager: "release"))
    live = try await sim.get(SimFixtures.deploymentID)
    #expect(live[path: ["spec", "replicas"]] == 2)
    #expect(live[path: ["metadata", "annotations", "note"]] == "second apply")

    do {
      _ = try await sim.apply(SimFixtures.deployment(replicas: 1), options: ApplyOptions(fieldManager: "release"))
      Issue.record("expected a conflict over spec.replicas")
    } catch {
      #expect(error.code == 409)
      #expect(error.description == "Apply failed with 1 conflict: conflict with \"horizontal-pod-autoscaler\" using apps/v1: .spec.replicas")
    }
    _ = try await sim.apply(SimFixtures.deployment(replicas: 1), options: ApplyOptions(fieldManager: "release", force: true))
    live = try await sim.get(SimFixtures.deploymentID)
    #expect(live[path: ["spec", "replicas"]] == 1)
  }

  @Test func fieldsDroppedFromTheAppliedConfigurationAreRemoved() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    var first = SimFixtures.deployment(replicas: 1)
    first[path: ["metadata", "labels"]] = ["team": "a", "tier": "gpu"]
    _ = try await sim.apply(first, options: ApplyOptions(fieldManager: "release"))
    var second = first
    second[path: ["metadata", "labels"]] = ["team": "a"]
    _ = try await sim.apply(second, options: ApplyOptions(fieldManager: "release"))
    let live = try await sim.get(SimFixtures.deploymentID)
    #expect(live[path: ["metadata", "labels"]] == ["team": "a"])
  }

  @Test func dryRunValidatesButStoresNothing() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let before = try await sim.list(SimFixtures.rsGVK).resourceVersion
    let result = try await sim.apply(SimFixtures.deployment(replicas: 2), options: ApplyOptions(fieldManager: "release", dryRun: true))
    #expect(result[path: ["spec", "strategy", "type"]] == "RollingUpdate")
    #expect(result[path: ["spec", "progressDeadlineSeconds"]] == 600, "defaults are applied in a dry run")
    await #expect(throws: KubeError.self) { try await sim.get(SimFixtures.deploymentID) }
    #expect(try await sim.list(SimFixtures.rsGVK).resourceVersion == before)
  }

  @Test func generationMovesOnlyWithTheSpec() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    _ = try await sim.apply(SimFixtures.deployment(replicas: 1), options: ApplyOptions(fieldManager: "release"))
    _ = try await sim.patch(SimFixtures.deploymentID, type: .merge, body: ["metadata": ["labels": ["x": "y"]]], subresource: nil, options: WriteOptions(fieldManager: "t"))
    #expect(try await sim.get(SimFixtures.deploymentID)[path: ["metadata", "generation"]] == 1)
    _ = try await sim.patch(SimFixtures.deploymentID, type: .json, body: [["op": "replace", "path": "/spec/replicas", "value": 2]], subresource: nil, options: WriteOptions(fieldManager: "t"))
    #expect(try await sim.get(SimFixtures.deploymentID)[path: ["metadata", "generation"]] == 2)
  }

  @Test func staleResourceVersionIsAConflict() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let created = try await sim.apply(SimFixtures.deployment(replicas: 1), options: ApplyOptions(fieldManager: "release"))
    _ = try await sim.patch(SimFixtures.deploymentID, type: .merge, body: ["spec": ["replicas": 2]], subresource: nil, options: WriteOptions())
    do {
      _ = try await sim.update(created, subresource: nil, options: WriteOptions())
      Issue.record("expected a conflict")
    } catch {
      #expect(error.isConflict)
      #expect(error.description.hasSuffix("the object has been modified; please apply your changes to the latest version and try again"))
    }
  }
}
