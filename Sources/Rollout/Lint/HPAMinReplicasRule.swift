internal import Diff
internal import Kube
internal import Manifest

/// An HPA allowed to scale below what a PDB insists stays up: at the floor, nothing may move.
public struct HPAMinReplicasRule: LintRule {
  public let id = "hpa-min-below-pdb"
  public let severity = LintSeverity.warning
  public let summary = "HPA minReplicas below the minAvailable of a PodDisruptionBudget covering its pods"

  public init() {}

  public func check(_ input: LintInput) -> [LintFinding] {
    let pdbs = input.objects(kind: "PodDisruptionBudget", groups: ["policy"]).map(PodDisruptionBudgetRule.init)
    return input.objects(kind: "HorizontalPodAutoscaler", groups: ["autoscaling"]).flatMap { hpa -> [LintFinding] in
      guard let id = hpa.resourceID, let target = input.target(of: hpa) else { return [] }
      let minReplicas = hpa[path: ["spec", "minReplicas"]]?.intValue ?? 1
      return pdbs.filter { $0.covers(namespace: target.namespace, labels: target.podLabels) }.compactMap { pdb -> LintFinding? in
        // A percentage of the current pods never exceeds them; only a count can.
        guard case .minAvailable(let value) = pdb.rule, case .int(let minAvailable) = value.raw, minReplicas < minAvailable else {
          return nil
        }
        return finding(
          id, FieldPath([.key("spec"), .key("minReplicas")]),
          message: "minReplicas \(minReplicas)\(hpa[path: ["spec", "minReplicas"]] == nil ? " (the default)" : "") is below "
            + "PodDisruptionBudget \(pdb.name)'s minAvailable \(minAvailable) for \(target.id)",
          why: "once the HPA scales down to \(minReplicas), the PDB demands \(minAvailable) healthy pods: no pod may be evicted, so node "
            + "drains and cluster-autoscaler scale-downs hang, and a rollout has no in-place step within the budget",
          fix: "raise minReplicas to at least \(minAvailable + 1) (one pod can then move), or lower the PDB's minAvailable "
            + "(a percentage follows the replicas)")
      }
    }
  }
}
