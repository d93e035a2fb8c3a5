/// What `release lint` found in one environment: the findings (errors first, then by object
/// and field), the rules it could not run and why, and notes on how the cluster was read.
public struct LintReport: Sendable, Hashable {
  /// A rule not run, with why: a skipped check is said, never passed off as a clean one.
  public struct Skip: Sendable, Hashable {
    public var rule: String
    public var reason: String

    public init(rule: String, reason: String) {
      self.rule = rule
      self.reason = reason
    }
  }

  public var environment: String
  public var findings: [LintFinding]
  public var skipped: [Skip]
  public var notes: [String]
  /// The ids of the rules that ran, in the linter's order.
  public var rules: [String]

  public init(environment: String, findings: [LintFinding], skipped: [Skip] = [], notes: [String] = [], rules: [String] = []) {
    self.environment = environment
    self.findings = findings.sorted()
    self.skipped = skipped
    self.notes = notes
    self.rules = rules
  }

  public var errors: [LintFinding] { findings.filter { $0.severity == .error } }
  public var warnings: [LintFinding] { findings.filter { $0.severity == .warning } }
  /// Errors stop `release lint` with exit 2 (and an apply that lints first).
  public var hasErrors: Bool { findings.contains { $0.severity == .error } }
}
