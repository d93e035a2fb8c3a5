import Kube
import Manifest
import Rollout
import Testing

/// The one budget: the stricter of the PDBs and the strategy, less pods already unavailable.
@Suite struct DisruptionBudgetTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var replicas: Int
    var ready: Int
    var strategy: RolloutStrategy
    var pdbs: [(PodDisruptionBudgetRule.Rule, healthy: Int)]
    var allowed: Int
    var byPDB: Bool
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "no PDB: the strategy's maxUnavailable", replicas: 8, ready: 8, strategy: RolloutStrategy(), pdbs: [], allowed: 2, byPDB: false),
    Case(
      name: "maxUnavailable 0 turns maxSurge into the in-place limit", replicas: 4, ready: 4, strategy: RolloutStrategy(maxSurge: 2, maxUnavailable: 0),
      pdbs: [], allowed: 2, byPDB: false),
    Case(
      name: "both resolving to 0 mean 1, as upstream", replicas: 2, ready: 2, strategy: RolloutStrategy(maxSurge: 0, maxUnavailable: "10%"),
      pdbs: [], allowed: 1, byPDB: false),
    Case(name: "Recreate: every pod", replicas: 3, ready: 3, strategy: .recreate, pdbs: [], allowed: 3, byPDB: false),
    Case(
      name: "minAvailable integer", replicas: 4, ready: 4, strategy: .recreate, pdbs: [(.minAvailable(IntOrPercent(3)), 4)], allowed: 1,
      byPDB: true),
    Case(
      name: "minAvailable percentage rounds up", replicas: 5, ready: 5, strategy: .recreate, pdbs: [(.minAvailable(IntOrPercent("50%")), 5)],
      allowed: 2, byPDB: true),
    Case(
      name: "maxUnavailable percentage rounds up", replicas: 5, ready: 5, strategy: .recreate,
      pdbs: [(.maxUnavailable(IntOrPercent("30%")), 5)], allowed: 2, byPDB: true),
    Case(
      name: "PDB with neither: every pod", replicas: 3, ready: 3, strategy: .recreate, pdbs: [(.allHealthy, 3)], allowed: 0, byPDB: true),
    Case(
      name: "the strictest of several PDBs", replicas: 6, ready: 6, strategy: .recreate,
      pdbs: [(.minAvailable(IntOrPercent(2)), 6), (.maxUnavailable(IntOrPercent(1)), 6)], allowed: 1, byPDB: true),
    Case(
      name: "pods already unavailable spend the PDB", replicas: 4, ready: 3, strategy: .recreate,
      pdbs: [(.minAvailable(IntOrPercent(2)), 3)], allowed: 1, byPDB: true),
    Case(
      name: "pods already unavailable spend the strategy", replicas: 8, ready: 7, strategy: RolloutStrategy(),
      pdbs: [(.maxUnavailable(IntOrPercent("50%")), 7)], allowed: 1, byPDB: false),
  ]

  @Test(arguments: cases)
  func takesTheStricter(_ c: Case) {
    let limits = c.pdbs.enumerated().map { i, pdb in
      DisruptionBudget.Limit(rule: PlanFixtures.pdb(pdb.0, app: "app\(i)"), expected: c.replicas, healthy: pdb.healthy)
    }
    let budget = DisruptionBudget(replicas: c.replicas, ready: c.ready, strategy: c.strategy, pdbs: limits)
    #expect(budget.allowed == c.allowed)
    #expect(budget.limitedByPDB == c.byPDB)
  }

  @Test(arguments: [
    (["minAvailable": 2, "selector": ["matchLabels": ["app": "vllm"]]] as Value, "minAvailable 2"),
    (["maxUnavailable": "25%", "selector": ["matchLabels": ["app": "vllm"]]] as Value, "maxUnavailable 25%"),
  ])
  func readsAPodDisruptionBudget(spec: Value, summary: String) {
    let rule = PodDisruptionBudgetRule(["metadata": ["name": "vllm", "namespace": "llm"], "spec": spec])
    #expect(rule.summary == summary)
    #expect(rule.covers(namespace: "llm", labels: ["app": "vllm", "tier": "gpu"]))
    #expect(!rule.covers(namespace: "other", labels: ["app": "vllm"]))
    #expect(!rule.covers(namespace: "llm", labels: ["app": "web"]))
  }

  @Test func anEmptySelectorCoversEveryPodAndNoSelectorNone() {
    #expect(PodDisruptionBudgetRule(namespace: "llm", name: "all", selector: [:], rule: .allHealthy).covers(namespace: "llm", labels: ["x": "y"]))
    #expect(!PodDisruptionBudgetRule(namespace: "llm", name: "none", selector: nil, rule: .allHealthy).covers(namespace: "llm", labels: ["x": "y"]))
  }

  /// An HPA scaled the Deployment after the plan: the PDB is counted again at the new replica
  /// count; pods of another workload the PDB covers stay as counted.
  @Test func aPDBCountedAgainAfterAnAutoscalerScaled() {
    let rule = { (spec: Value) in PodDisruptionBudgetRule(["metadata": ["name": "vllm", "namespace": "llm"], "spec": spec]) }
    let minTwo = DisruptionBudget(
      replicas: 4, ready: 4, strategy: RolloutStrategy(maxSurge: 1, maxUnavailable: 2),
      pdbs: [DisruptionBudget.Limit(rule: rule(["minAvailable": 2, "selector": [:]]), expected: 4, healthy: 4)])
    #expect(minTwo.allowed == 2)
    #expect(minTwo.pdbAllowed(afterScalingBy: 0) == 2)
    #expect(minTwo.pdbAllowed(afterScalingBy: -1) == 1)
    #expect(minTwo.pdbAllowed(afterScalingBy: -2) == 0)
    #expect(minTwo.pdbAllowed(afterScalingBy: 2) == 4)
    let quarter = DisruptionBudget(
      replicas: 4, ready: 3, strategy: RolloutStrategy(maxSurge: 1, maxUnavailable: 2),
      pdbs: [DisruptionBudget.Limit(rule: rule(["maxUnavailable": "25%", "selector": [:]]), expected: 4, healthy: 3)])
    #expect(quarter.pdbAllowed(afterScalingBy: 0) == 0)
    #expect(quarter.pdbAllowed(afterScalingBy: 4) == 1)
    let shared = DisruptionBudget(
      replicas: 2, ready: 2, strategy: RolloutStrategy(maxSurge: 1, maxUnavailable: 2),
      pdbs: [DisruptionBudget.Limit(rule: rule(["minAvailable": 3, "selector": [:]]), expected: 5, healthy: 5)])
    #expect(shared.pdbAllowed(afterScalingBy: -1) == 1)
    #expect(DisruptionBudget(replicas: 2, ready: 2, strategy: RolloutStrategy(), pdbs: []).pdbAllowed(afterScalingBy: -1) == nil)
  }
}
