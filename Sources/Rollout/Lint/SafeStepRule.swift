internal import Diff
internal import Manifest

/// A Deployment whose rollout, started now, would have no safe step: no free GPU to surge into
/// and a PodDisruptionBudget (or a single replica) that allows no pod to go. The planner of
/// `release plan` decides, each Deployment on its own: lint asks whether this Deployment could
/// roll at all, not whether it could roll together with others that may not change.
public struct SafeStepRule: LintRule {
  public let id = "pdb-safe-step"
  public let severity = LintSeverity.warning
  public let summary = "no safe rollout step at the live replicas and the cluster's free GPUs (needs a cluster)"
  public let needsCluster = true

  public init() {}

  public func check(_ input: LintInput) -> [LintFinding] {
    guard let cluster = input.cluster else { return [] }
    let planner = RolloutPlanner()
    return cluster.candidates.compactMap { candidate -> LintFinding? in
      let plan = planner.plan(environment: "", candidates: [candidate], cluster: cluster.snapshot)
      guard let entry = plan.entries.first, case .blocked(let reason) = entry.step else { return nil }
      let (object, field) = Self.culprit(entry, candidate)
      // The planner's reasons read `<numbers> — <remedy>`.
      let split = reason.firstRange(of: " — ")
      return finding(
        object, field,
        message: "\(candidate.id): \(split.map { String(reason[..<$0.lowerBound]) } ?? reason)",
        why: "apply would stop before any change (exit 5), and a node drain would hang the same way: no pod can be replaced "
          + "without breaking the budget or the service",
        fix: split.map { String(reason[$0.upperBound...]) } ?? "free a GPU on the nodes its pods can land on or relax the budget")
    }
  }

  /// The PDB's rule when a PDB is what allows no in-place step; otherwise the Deployment's
  /// replicas (a single replica, or new pods that do not fit) or its strategy.
  static func culprit(_ entry: RolloutPlan.Entry, _ candidate: RolloutCandidate) -> (ResourceID, FieldPath) {
    if let pdb = entry.budget.strictest, !entry.isNew, candidate.replicas > 1, entry.budget.allowed == 0, entry.budget.limitedByPDB {
      let id = ResourceID(gvk: PlanInputsReader.pdbGVK, namespace: pdb.rule.namespace, name: pdb.rule.name)
      switch pdb.rule.rule {
      case .minAvailable: return (id, FieldPath([.key("spec"), .key("minAvailable")]))
      case .maxUnavailable: return (id, FieldPath([.key("spec"), .key("maxUnavailable")]))
      case .allHealthy: return (id, FieldPath([.key("spec")]))
      }
    }
    if candidate.replicas <= 1 || entry.isNew { return (candidate.id, FieldPath([.key("spec"), .key("replicas")])) }
    return (candidate.id, FieldPath([.key("spec"), .key("strategy")]))
  }
}
