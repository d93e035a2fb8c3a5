import Kube
import KubeSim
import Manifest
import Testing

@Suite struct DisruptionBudgetTests {
  static let pdb: Value = [
    "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": ["name": "vllm", "namespace": "llm"],
    "spec": ["minAvailable": 1, "selector": ["matchLabels": ["app": "vllm"]]],
  ]

  func readyCluster(replicas: Int64, budget: Value = pdb) async throws -> KubeSim {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 3))
    _ = try await sim.apply(SimFixtures.deployment(replicas: replicas), options: ApplyOptions(fieldManager: "release"))
    _ = try await sim.apply(budget, options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(30))
    return sim
  }

  func podIDs(_ sim: KubeSim) async throws -> [ResourceID] {
    try await sim.list(SimFixtures.podGVK, namespace: "llm").items.filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }.compactMap(\.resourceID)
  }

  @Test func reportsBudgetStatusAsUpstream() async throws {
    let sim = try await readyCluster(replicas: 2)
    let status = try await sim.get(ResourceID(gvk: GroupVersionKind(group: "policy", version: "v1", kind: "PodDisruptionBudget"), namespace: "llm", name: "vllm"))["status"]
    #expect(status?["expectedPods"] == 2)
    #expect(status?["currentHealthy"] == 2)
    #expect(status?["desiredHealthy"] == 1)
    #expect(status?["disruptionsAllowed"] == 1)
  }

  @Test func evictionSucceedsWhileAllowedThenReturns429() async throws {
    let sim = try await readyCluster(replicas: 2)
    let pods = try await podIDs(sim)
    try await sim.evict(pods[0], options: DeleteOptions())
    do {
      try await sim.evict(pods[1], options: DeleteOptions())
      Issue.record("second eviction should violate the budget")
    } catch {
      #expect(error.code == 429)
      #expect(error.reason == .tooManyRequests)
      #expect(error.description == "Cannot evict pod as it would violate the pod's disruption budget.")
    }
    #expect(await sim.trace.entries(.evicted).count == 1)
  }

  @Test(arguments: [
    (["minAvailable": "50%"], 2, 1),  // ceil(50% of 3) = 2 healthy needed: 1 allowed
    (["maxUnavailable": 1], 2, 1),
    (["maxUnavailable": "50%"], 1, 2),  // ceil(1.5) = 2 may be unavailable
  ] as [(Value, Int64, Int64)])
  func computesDesiredHealthyFromIntsAndPercentages(spec: Value, desired: Int64, allowed: Int64) async throws {
    var budget = Self.pdb
    budget["spec"] = spec
    budget[path: ["spec", "selector"]] = ["matchLabels": ["app": "vllm"]]
    let sim = try await readyCluster(replicas: 3, budget: budget)
    let status = try await sim.get(ResourceID(gvk: GroupVersionKind(group: "policy", version: "v1", kind: "PodDisruptionBudget"), namespace: "llm", name: "vllm"))["status"]
    #expect(status?["desiredHealthy"] == .int(desired))
    #expect(status?["disruptionsAllowed"] == .int(allowed))
  }

  @Test func rejectsBudgetsWithBothMinAvailableAndMaxUnavailable() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    var budget = Self.pdb
    budget[path: ["spec", "maxUnavailable"]] = 1
    do {
      _ = try await sim.create(budget, options: WriteOptions())
      Issue.record("expected Invalid")
    } catch {
      #expect(error.code == 422)
      #expect(error.description.contains("minAvailable and maxUnavailable cannot be both set"))
    }
  }

  /// Upstream canIgnorePDB: a Pending pod disrupts nothing, so it goes even when the budget
  /// has no disruption left for running pods.
  @Test func pendingPodsAreEvictedWhateverTheBudget() async throws {
    var budget = Self.pdb
    budget[path: ["spec", "minAvailable"]] = 4
    let sim = try await readyCluster(replicas: 4, budget: budget)
    let pods = try await sim.list(SimFixtures.podGVK, namespace: "llm").items
    let pending = try #require(pods.first { $0[path: ["status", "phase"]] == "Pending" }?.resourceID)
    let running = try #require(pods.first { PodStatus.isReady($0) }?.resourceID)
    try await sim.evict(pending, options: DeleteOptions())
    await #expect(throws: KubeError.self) { try await sim.evict(running, options: DeleteOptions()) }
  }

  /// An unready pod is not charged to the budget: with the default IfHealthyBudget it may go
  /// only while the budget is met; AlwaysAllow lets it go regardless.
  @Test(arguments: [(nil as String?, false), ("IfHealthyBudget", false), ("AlwaysAllow", true)])
  func unreadyPodsFollowTheUnhealthyPodEvictionPolicy(policy: String?, evicted: Bool) async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 3))
    _ = try await sim.apply(SimFixtures.deployment(replicas: 2, readinessDelay: 300), options: ApplyOptions(fieldManager: "release"))
    var budget = Self.pdb
    if let policy { budget[path: ["spec", "unhealthyPodEvictionPolicy"]] = .string(policy) }
    _ = try await sim.apply(budget, options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(60))
    let pods = try await sim.list(SimFixtures.podGVK, namespace: "llm").items
    #expect(pods.allSatisfy { $0[path: ["status", "phase"]] == "Running" && !PodStatus.isReady($0) })
    let target = try #require(pods.first?.resourceID)
    do {
      try await sim.evict(target, options: DeleteOptions())
      #expect(evicted, "evicted although no pod is healthy and the policy is \(policy ?? "unset")")
    } catch {
      #expect(!evicted)
      #expect(error.code == 429)
    }
  }
}
