import Kube
import Manifest
import Rollout
import Testing

/// The planner over a table of replicas × free GPUs × PDB forms × strategies: named cases with
/// the exact step, then every combination checked against the rules the plan promises.
@Suite struct PlannerTableTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var replicas: Int
    var free: Int
    var pdb: PodDisruptionBudgetRule.Rule?
    var strategy: RolloutStrategy = PlanFixtures.zeroDowntime
    var ready: Int?
    var allowDowntime = false
    var step: RolloutStep
    var steps: Int
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "spare GPU: surge", replicas: 2, free: 1, pdb: .minAvailable(IntOrPercent(1)), step: .surge(1), steps: 2),
    Case(name: "full cluster: in place within the PDB", replicas: 2, free: 0, pdb: .minAvailable(IntOrPercent(1)), step: .inPlace(1), steps: 2),
    Case(
      name: "full cluster, PDB keeps every pod: blocked", replicas: 2, free: 0, pdb: .minAvailable(IntOrPercent(2)),
      step: .blocked("0 free GPUs on the 2 nodes its pods can land on; PDB minAvailable 2 of 2 replicas: no safe step — free one GPU or lower minAvailable"),
      steps: 0),
    Case(name: "surge capped by maxSurge", replicas: 4, free: 3, pdb: nil, step: .surge(1), steps: 4),
    Case(
      name: "surge capped by free GPUs", replicas: 8, free: 3, pdb: nil, strategy: RolloutStrategy(maxSurge: "50%", maxUnavailable: 0),
      step: .surge(3), steps: 3),
    Case(
      name: "Kubernetes default strategy surges 25%", replicas: 8, free: 3, pdb: .minAvailable(IntOrPercent(8)),
      strategy: PlanFixtures.kubernetesDefault, step: .surge(2), steps: 4),
    Case(
      name: "maxUnavailable 0 replaces in place at most maxSurge", replicas: 4, free: 0, pdb: .minAvailable(IntOrPercent("50%")),
      step: .inPlace(1), steps: 4),
    Case(
      name: "PDB maxUnavailable 25% is the stricter", replicas: 8, free: 0, pdb: .maxUnavailable(IntOrPercent("25%")),
      strategy: RolloutStrategy(maxSurge: 0, maxUnavailable: 4), step: .inPlace(2), steps: 4),
    Case(
      name: "strategy maxUnavailable is the stricter", replicas: 8, free: 0, pdb: .maxUnavailable(IntOrPercent("50%")),
      strategy: PlanFixtures.kubernetesDefault, step: .inPlace(2), steps: 4),
    Case(
      name: "minAvailable 67% of 3 rounds up to 3: blocked", replicas: 3, free: 0, pdb: .minAvailable(IntOrPercent("67%")),
      step: .blocked("0 free GPUs on the 3 nodes its pods can land on; PDB minAvailable 67% of 3 replicas: no safe step — free one GPU or lower minAvailable"),
      steps: 0),
    Case(
      name: "maxUnavailable 34% of 3 rounds up to 2", replicas: 3, free: 0, pdb: .maxUnavailable(IntOrPercent("34%")),
      strategy: RolloutStrategy(maxSurge: 0, maxUnavailable: 3), step: .inPlace(2), steps: 2),
    Case(
      name: "PDB maxUnavailable 0: blocked", replicas: 2, free: 0, pdb: .maxUnavailable(IntOrPercent(0)),
      step: .blocked("0 free GPUs on the 2 nodes its pods can land on; PDB maxUnavailable 0 of 2 replicas: no safe step — free one GPU or raise maxUnavailable"),
      steps: 0),
    Case(
      name: "a pod already unavailable spends the budget", replicas: 3, free: 0, pdb: .minAvailable(IntOrPercent(2)), ready: 2,
      step: .blocked(
        "0 free GPUs on the 3 nodes its pods can land on; PDB minAvailable 2 of 3 replicas, 1 already unavailable: no safe step — "
          + "free one GPU or wait until the 1 unavailable pod is ready or lower minAvailable"),
      steps: 0),
    Case(name: "Recreate never surges", replicas: 5, free: 2, pdb: nil, strategy: .recreate, step: .inPlace(5), steps: 1),
    Case(name: "Recreate within a PDB", replicas: 5, free: 0, pdb: .minAvailable(IntOrPercent(3)), strategy: .recreate, step: .inPlace(2), steps: 3),
    Case(name: "single replica with a free GPU surges", replicas: 1, free: 1, pdb: .minAvailable(IntOrPercent(1)), step: .surge(1), steps: 1),
    Case(
      name: "single replica, no free GPU: blocked", replicas: 1, free: 0, pdb: .minAvailable(IntOrPercent(1)),
      step: .blocked(
        "1 replica and 0 free GPUs on the 1 node its pods can land on: no PDB-safe in-place step (replacing the only pod takes the "
          + "service down) — free one GPU or pass --allow-downtime"),
      steps: 0),
    Case(
      name: "single replica, no PDB: still blocked", replicas: 1, free: 0, pdb: nil, strategy: RolloutStrategy(maxSurge: 0, maxUnavailable: 1),
      step: .blocked(
        "1 replica and 0 free GPUs on the 1 node its pods can land on: no PDB-safe in-place step (replacing the only pod takes the "
          + "service down) — allow a surge (maxSurge 1) and free one GPU or pass --allow-downtime"),
      steps: 0),
    Case(
      name: "single replica with --allow-downtime", replicas: 1, free: 0, pdb: .minAvailable(IntOrPercent(1)), allowDowntime: true,
      step: .inPlace(1), steps: 1),
    Case(name: "zero replicas: nothing to roll", replicas: 0, free: 0, pdb: .minAvailable(IntOrPercent(1)), step: .nothing, steps: 0),
  ]

  @Test(arguments: cases)
  func choosesTheSafeStep(_ c: Case) throws {
    let (cluster, _) = PlanFixtures.matrixCluster(replicas: c.replicas, free: c.free, budgets: c.pdb.map { [PlanFixtures.pdb($0)] } ?? [])
    var pods = cluster.pods
    if let ready = c.ready { pods = PlanFixtures.pods("vllm", c.replicas, on: cluster.nodes, ready: ready) }
    let snapshot = ClusterSnapshot(nodes: cluster.nodes, pods: pods, budgets: cluster.budgets)
    let plan = PlanFixtures.plan(
      [PlanFixtures.candidate(replicas: c.replicas, pods: pods, strategy: c.strategy)], snapshot, allowDowntime: c.allowDowntime)
    let entry = try #require(plan.entries.first)
    #expect(entry.step == c.step)
    #expect(entry.steps == c.steps)
    #expect(plan.isBlocked == (c.step.blockedReason != nil))
    if c.step.pods > 0 { #expect(entry.eta == .seconds(330 * c.steps)) }
    if c.allowDowntime { #expect(entry.notes.contains { $0.hasPrefix("downtime:") }) }
  }

  static let budgets: [PodDisruptionBudgetRule.Rule?] = [
    nil, .minAvailable(IntOrPercent(1)), .minAvailable(IntOrPercent("50%")), .minAvailable(IntOrPercent("100%")),
    .maxUnavailable(IntOrPercent(1)), .maxUnavailable(IntOrPercent("25%")), .maxUnavailable(IntOrPercent(0)),
  ]
  static let strategies: [RolloutStrategy] = [
    PlanFixtures.zeroDowntime, PlanFixtures.kubernetesDefault, RolloutStrategy(maxSurge: 0, maxUnavailable: 1),
    RolloutStrategy(maxSurge: 2, maxUnavailable: 0), RolloutStrategy(maxSurge: "50%", maxUnavailable: "50%"), .recreate,
  ]

  /// Every replicas 1–8 × free GPUs 0–3 × PDB form × strategy: a surge fits the free GPUs and
  /// maxSurge; an in-place step leaves as many ready pods as every PDB demands and no more down
  /// than the strategy allows; a surge is taken whenever one is possible; steps cover the
  /// replicas; blocked only when neither is safe.
  @Test(arguments: 1...8)
  func everyCombinationKeepsThePromises(replicas: Int) {
    for free in 0...3 {
      for rule in Self.budgets {
        for strategy in Self.strategies {
          let budgets = rule.map { [PlanFixtures.pdb($0)] } ?? []
          let (cluster, pods) = PlanFixtures.matrixCluster(replicas: replicas, free: free, budgets: budgets)
          let plan = PlanFixtures.plan([PlanFixtures.candidate(replicas: replicas, pods: pods, strategy: strategy)], cluster)
          guard let entry = plan.entries.first else {
            Issue.record("no entry")
            continue
          }
          let label = "\(replicas) replicas, \(free) free, \(rule.map { "\($0)" } ?? "no PDB"), \(strategy.summary)"
          let desired = budgets.map { $0.desiredHealthy(expected: replicas) }.max() ?? 0
          let canSurge = free > 0 && strategy.surge(replicas: replicas) > 0
          switch entry.step {
          case .surge(let n):
            #expect(n >= 1 && n <= free && n <= strategy.surge(replicas: replicas), "\(label)")
          case .inPlace(let n):
            #expect(!canSurge, "\(label): surged nothing though it could")
            #expect(replicas > 1, "\(label): a single replica replaced in place without --allow-downtime")
            #expect(replicas - n >= desired, "\(label): \(n) down leaves fewer than the PDB's \(desired)")
            #expect(n <= entry.budget.strategyLimit, "\(label)")
          case .blocked(let reason):
            #expect(!canSurge, "\(label): blocked though a surge fits")
            #expect(replicas == 1 || entry.budget.allowed == 0, "\(label): blocked with budget \(entry.budget.allowed)")
            #expect(reason.contains("free"), "\(label): \(reason)")
          case .create, .nothing:
            Issue.record("\(label): unexpected \(entry.step)")
          }
          if entry.step.pods > 0 {
            #expect(entry.steps * entry.step.pods >= replicas && (entry.steps - 1) * entry.step.pods < replicas, "\(label)")
          }
        }
      }
    }
  }
}
