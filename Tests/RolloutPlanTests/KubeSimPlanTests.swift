import Diff
import Kube
import KubeSim
import Manifest
import Rollout
import Testing

/// The plan's inputs read through `KubeAPI` from a real KubeSim: the default cluster has three
/// single-GPU nodes tainted `nvidia.com/gpu` (GPU pods tolerate it by admission, as on a
/// managed cloud's GPU pool) and a CPU node.
@Suite struct KubeSimPlanTests {
  static let namespace: Value = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "llm"]]

  /// The example app's shape: one GPU per pod (no toleration written), maxSurge 1 /
  /// maxUnavailable 0, a 30 s + 3 × 10 s readiness window.
  static func deployment(_ name: String = "vllm", replicas: Int64, image: String = "app:v1") -> Value {
    [
      "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name), "namespace": "llm"],
      "spec": [
        "replicas": .int(replicas), "selector": ["matchLabels": ["app": .string(name)]],
        "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1, "maxUnavailable": 0]],
        "template": [
          "metadata": ["labels": ["app": .string(name)]],
          "spec": [
            "containers": [[
              "name": "server", "image": .string(image), "resources": ["limits": ["nvidia.com/gpu": 1]],
              "readinessProbe": ["httpGet": ["path": "/health", "port": 8000], "initialDelaySeconds": 30, "periodSeconds": 10],
            ]]
          ],
        ],
      ],
    ]
  }

  static func pdb(_ name: String = "vllm", minAvailable: Value) -> Value {
    [
      "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": ["name": .string(name), "namespace": "llm"],
      "spec": ["minAvailable": minAvailable, "selector": ["matchLabels": ["app": .string(name)]]],
    ]
  }

  static let podGVK = GroupVersionKind(group: "", version: "v1", kind: "Pod")

  /// A default KubeSim running `objects`, every pod ready.
  func running(_ objects: [Value]) async throws -> KubeSim {
    let sim = KubeSim()
    for object in [Self.namespace] + objects { _ = try await sim.apply(object, options: ApplyOptions(fieldManager: "release")) }
    await sim.advance(by: .seconds(300))
    return sim
  }

  /// What `release plan` computes for `rendered` against `api`.
  func planning(_ api: any KubeAPI, _ rendered: [Value], allowDowntime: Bool = false) async throws -> (RolloutPlan, [String]) {
    let comparison = try await ClusterComparer(api: api).compare(environment: "test", rendered: rendered)
    let inputs = try await PlanInputsReader(api: api).read(comparison)
    return (RolloutPlanner(allowDowntime: allowDowntime).plan(environment: "test", candidates: inputs.candidates, cluster: inputs.cluster), inputs.warnings)
  }

  @Test func surgesIntoTheSpareGPUOfTheDefaultCluster() async throws {
    let sim = try await running([Self.deployment(replicas: 2), Self.pdb(minAvailable: 1)])
    let (plan, warnings) = try await planning(sim, [Self.namespace, Self.deployment(replicas: 2, image: "app:v2"), Self.pdb(minAvailable: 1)])
    #expect(warnings.isEmpty)
    let entry = try #require(plan.entries.first)
    #expect(entry.step == .surge(1))
    #expect(entry.steps == 2)
    #expect(entry.freeGPUs == 1)
    // The template tolerates nothing; the server's admission adds the GPU toleration, so the
    // tainted GPU nodes count (the CPU node has no GPU to offer).
    #expect(entry.nodes == ["gpu-node-1", "gpu-node-2", "gpu-node-3"])
    #expect(entry.eta == .seconds(120))
  }

  @Test func replacesInPlaceWhenEveryGPUIsBusy() async throws {
    let sim = try await running([Self.deployment(replicas: 3), Self.pdb(minAvailable: 1)])
    let (plan, _) = try await planning(sim, [Self.namespace, Self.deployment(replicas: 3, image: "app:v2"), Self.pdb(minAvailable: 1)])
    #expect(plan.entries.first?.step == .inPlace(1))
    #expect(plan.entries.first?.steps == 3)
    #expect(plan.entries.first?.budget.strictest?.healthy == 3)
  }

  @Test func blocksBeforeAnyChangeWhenThePDBKeepsEveryPod() async throws {
    let sim = try await running([Self.deployment(replicas: 3), Self.pdb(minAvailable: 3)])
    let id = PlanFixtures.id("vllm")
    let before = try await sim.get(id)[path: ["metadata", "resourceVersion"]]
    let objects = await sim.objectCount
    let (plan, _) = try await planning(sim, [Self.namespace, Self.deployment(replicas: 3, image: "app:v2"), Self.pdb(minAvailable: 3)])
    #expect(plan.blockedReasons == [
      "deployment llm/vllm: 0 free GPUs on the 3 nodes its pods can land on; PDB minAvailable 3 of 3 replicas: no safe step — "
        + "free one GPU or lower minAvailable"
    ])
    // Planning wrote nothing.
    #expect(try await sim.get(id)[path: ["metadata", "resourceVersion"]] == before)
    #expect(await sim.objectCount == objects)
  }

  @Test func theBudgetFromGitHoldsOverTheLiveOne() async throws {
    // Live says minAvailable 3; git lowers it to 2, and apply writes the PDB before the rollout.
    let sim = try await running([Self.deployment(replicas: 3), Self.pdb(minAvailable: 3)])
    let (plan, _) = try await planning(sim, [Self.namespace, Self.deployment(replicas: 3, image: "app:v2"), Self.pdb(minAvailable: 2)])
    #expect(plan.entries.first?.step == .inPlace(1))
  }

  @Test func aTerminatingPodHoldsItsGPUUntilItIsGone() async throws {
    let batch: Value = [
      "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "batch", "namespace": "llm"],
      "spec": ["terminationGracePeriodSeconds": 60, "containers": [["name": "job", "image": "job:v1", "resources": ["limits": ["nvidia.com/gpu": 1]]]]],
    ]
    let sim = try await running([Self.deployment(replicas: 2), Self.pdb(minAvailable: 1), batch])
    _ = try await sim.delete(ResourceID(gvk: Self.podGVK, namespace: "llm", name: "batch"), options: DeleteOptions())
    let rendered = [Self.namespace, Self.deployment(replicas: 2, image: "app:v2"), Self.pdb(minAvailable: 1)]
    let terminating = try await sim.get(ResourceID(gvk: Self.podGVK, namespace: "llm", name: "batch"))
    #expect(PodStatus.isTerminating(terminating))
    #expect(try await planning(sim, rendered).0.entries.first?.step == .inPlace(1))
    await sim.advance(by: .seconds(120))
    #expect(try await planning(sim, rendered).0.entries.first?.step == .surge(1))
  }

  @Test func twoDeploymentsShareTheOneSpareGPU() async throws {
    let sim = try await running([Self.deployment("chat", replicas: 1), Self.deployment("embed", replicas: 1)])
    let (plan, _) = try await planning(sim, [
      Self.namespace, Self.deployment("chat", replicas: 1, image: "app:v2"), Self.deployment("embed", replicas: 1, image: "app:v2"),
    ])
    #expect(plan.entries.map(\.step.summary) == ["surge 1", "blocked"])
    #expect(plan.blockedReasons == [
      "deployment llm/embed: 1 replica and 0 free GPUs on the 3 nodes its pods can land on (1 taken by llm/chat): no PDB-safe in-place "
        + "step (replacing the only pod takes the service down) — free one GPU or pass --allow-downtime"
    ])
    let (allowed, _) = try await planning(sim, [
      Self.namespace, Self.deployment("chat", replicas: 1, image: "app:v2"), Self.deployment("embed", replicas: 1, image: "app:v2"),
    ], allowDowntime: true)
    #expect(allowed.entries.map(\.step) == [.surge(1), .inPlace(1)])
  }

  @Test func aNewEnvironmentIsPlannedAsTheServerWouldAdmitItsPods() async throws {
    // Namespace "fresh" does not exist yet: the admission probe asks in default instead.
    let sim = KubeSim()
    var deployment = Self.deployment(replicas: 2)
    deployment.namespace = "fresh"
    let (plan, warnings) = try await planning(sim, [["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "fresh"]], deployment])
    #expect(warnings.isEmpty)
    #expect(plan.entries.first?.step == .create(2))
  }

  @Test func nothingToPlanWhenNoPodTemplateChanges() async throws {
    let sim = try await running([Self.deployment(replicas: 2)])
    // A replicas-only change scales; it does not roll.
    let (plan, _) = try await planning(sim, [Self.namespace, Self.deployment(replicas: 3)])
    #expect(plan.entries.isEmpty)
    #expect(!plan.isBlocked)
  }
}
