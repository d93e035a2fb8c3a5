internal import Diff
internal import Manifest

/// One pitfall of GPU serving, checked purely over an environment's rendered objects (and, for
/// rules that need it, the cluster's GPUs). A rule never throws: what it cannot read is either
/// a finding of its own or not its business.
public protocol LintRule: Sendable {
  /// Stable id, printed with each finding and accepted by scripts: `image-tag`.
  var id: String { get }
  var severity: LintSeverity { get }
  /// One line for `release lint --help` and the README.
  var summary: String { get }
  /// True when the rule reads `LintInput.cluster`; without a cluster it is skipped with a note,
  /// never run on guesses.
  var needsCluster: Bool { get }

  func check(_ input: LintInput) -> [LintFinding]
}

extension LintRule {
  public var needsCluster: Bool { false }

  /// A finding of this rule, at its severity.
  func finding(_ object: ResourceID, _ field: FieldPath, message: String, why: String, fix: String) -> LintFinding {
    LintFinding(rule: id, severity: severity, object: object, field: field, message: message, why: why, fix: fix)
  }
}
