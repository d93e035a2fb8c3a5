public import Diff
public import Manifest

/// One pitfall found in an environment's rendered objects: where (object and field), what
/// (with the numbers), why it hurts a GPU service, and what to change.
public struct LintFinding: Sendable, Hashable, Comparable {
  /// The rule's id (`image-tag`), stable for scripts and `-o json`.
  public var rule: String
  public var severity: LintSeverity
  public var object: ResourceID
  public var field: FieldPath
  /// What is wrong, with the values read: `progressDeadlineSeconds 300 is shorter than …`.
  public var message: String
  public var why: String
  public var fix: String

  public init(
    rule: String, severity: LintSeverity, object: ResourceID, field: FieldPath, message: String, why: String, fix: String
  ) {
    self.rule = rule
    self.severity = severity
    self.object = object
    self.field = field
    self.message = message
    self.why = why
    self.fix = fix
  }

  /// Errors first, then by object, field and rule: the order never depends on rule order.
  public static func < (a: Self, b: Self) -> Bool {
    if a.severity != b.severity { return a.severity < b.severity }
    if a.object != b.object { return a.object < b.object }
    if a.field != b.field { return a.field < b.field }
    if a.rule != b.rule { return a.rule < b.rule }
    return a.message < b.message
  }
}
