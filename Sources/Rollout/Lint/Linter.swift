/// Runs the lint rules over one environment. Pure: the cluster, when there is one, comes in
/// already read (`LintClusterReader`), so `release lint` without a cluster runs every other
/// rule the same way and says which it skipped.
public struct Linter: Sendable {
  public var rules: [any LintRule]

  /// Every rule, errors' rules first; the order only shows in `--help` and the README, as
  /// findings are sorted.
  public static let defaultRules: [any LintRule] = [
    ImageTagRule(), ReadinessProbeRule(), ProgressDeadlineRule(), GPULimitsRule(), GPUResourceMetricRule(),
    SafeStepRule(), HPAMinReplicasRule(), IngressTimeoutRule(), ReadWriteOnceCacheRule(),
  ]

  public init(rules: [any LintRule] = Linter.defaultRules) {
    self.rules = rules
  }

  /// - Parameter noCluster: why `input.cluster` is nil (`--no-cluster`, the connection's error),
  ///   printed beside each rule that needs one.
  public func lint(environment: String, input: LintInput, noCluster: String = "no cluster was read") -> LintReport {
    var findings: [LintFinding] = []
    var skipped: [LintReport.Skip] = []
    var ran: [String] = []
    for rule in rules {
      if rule.needsCluster && input.cluster == nil {
        skipped.append(LintReport.Skip(rule: rule.id, reason: noCluster))
        continue
      }
      ran.append(rule.id)
      findings += rule.check(input)
    }
    return LintReport(environment: environment, findings: findings, skipped: skipped, notes: input.cluster?.notes ?? [], rules: ran)
  }
}
