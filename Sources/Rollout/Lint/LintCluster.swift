/// What the safe-step check knows of the cluster, read once: nodes, pods and budgets as the
/// planner reads them, and each rendered Deployment as a rollout candidate at its live
/// replicas. A value, so the rule stays pure and tests build it by hand.
public struct LintCluster: Sendable, Hashable {
  public var snapshot: ClusterSnapshot
  /// Every rendered Deployment, changed or not: lint asks whether a rollout could start now.
  public var candidates: [RolloutCandidate]
  /// Where a read fell back to a weaker source, with why (printed as notes).
  public var notes: [String]

  public init(snapshot: ClusterSnapshot, candidates: [RolloutCandidate], notes: [String] = []) {
    self.snapshot = snapshot
    self.candidates = candidates
    self.notes = notes
  }
}
