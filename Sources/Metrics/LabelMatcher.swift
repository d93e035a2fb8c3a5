/// One `label op "value"` of a series selector. A missing label reads as the empty string, as
/// in Prometheus, so `pod=""` selects series without a `pod` label.
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
  public enum Operator: String, Sendable, Hashable {
    case equal = "="
    case notEqual = "!="
    /// Fully anchored, as Prometheus anchors its regular expressions.
    case matchesRegex = "=~"
    case doesNotMatchRegex = "!~"
  }

  public var label: String
  public var op: Operator
  public var value: String

  /// Checks the regular expression, so a bad one is reported when the query is read.
  public init(label: String, op: Operator, value: String) throws(MetricsError) {
    self.label = label
    self.op = op
    self.value = value
    if op == .matchesRegex || op == .doesNotMatchRegex { _ = try compiled() }
  }

  public var description: String {
    var escaped = ""
    for character in value {
      switch character {
      case "\\": escaped += "\\\\"
      case "\"": escaped += "\\\""
      case "\n": escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return "\(label)\(op.rawValue)\"\(escaped)\""
  }

  /// The test for one series, built once per evaluation (a compiled `Regex` is not Sendable,
  /// so it cannot be kept in this value).
  func predicate() throws(MetricsError) -> ([String: String]) -> Bool {
    let label = label
    let value = value
    switch op {
    case .equal: return { ($0[label] ?? "") == value }
    case .notEqual: return { ($0[label] ?? "") != value }
    case .matchesRegex:
      let regex = try compiled()
      return { ($0[label] ?? "").wholeMatch(of: regex) != nil }
    case .doesNotMatchRegex:
      let regex = try compiled()
      return { ($0[label] ?? "").wholeMatch(of: regex) == nil }
    }
  }

  private func compiled() throws(MetricsError) -> Regex<AnyRegexOutput> {
    do {
      return try Regex("(?:\(value))")
    } catch {
      throw .badQuery(query: description, error: "invalid regular expression \"\(value)\" for label \(label): \(error)")
    }
  }
}
