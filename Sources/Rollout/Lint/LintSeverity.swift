/// How a finding weighs: an error stops `release lint` (exit 2) and, once `apply` runs lint
/// first, the apply; a warning is printed and lets both go on.
public enum LintSeverity: String, Sendable, Hashable, Comparable, CaseIterable {
  case error
  case warning

  /// Errors sort first, so the output leads with what blocks.
  public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

  var rank: Int { self == .error ? 0 : 1 }
}
