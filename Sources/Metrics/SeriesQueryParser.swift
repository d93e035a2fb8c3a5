/// Reads `SeriesQuery`'s grammar:
///
///     query       = selector | aggregation
///     aggregation = op [grouping] "(" selector ")" [grouping]
///     grouping    = "by" "(" [label {"," label} [","]] ")"
///     selector    = metric ["{" [matcher {"," matcher} [","]] "}"]
///     matcher     = label ("=" | "!=" | "=~" | "!~") string
///
/// Keywords are case-insensitive and strings take PromQL's three quotes, as in Prometheus.
struct SeriesQueryParser {
  private let text: String
  private let scalars: [Unicode.Scalar]
  private var position = 0

  init(_ text: String) {
    self.text = text
    scalars = Array(text.unicodeScalars)
  }

  mutating func parse() throws(MetricsError) -> SeriesQuery {
    skipSpace()
    guard let word = identifier(allowColons: true) else { throw unsupported("expected a metric name or an aggregation") }
    skipSpace()
    var query: SeriesQuery
    if let op = SeriesAggregation.Operator(rawValue: word.lowercased()), peek == "(" || isKeyword("by") || isKeyword("without") {
      var by = try grouping()
      try expect("(", "after \(op.rawValue)")
      skipSpace()
      guard let metric = identifier(allowColons: true) else {
        throw unsupported("expected a metric name inside \(op.rawValue)(…)")
      }
      query = try selector(metric)
      try expect(")", "to close \(op.rawValue)(…)")
      skipSpace()
      if by.isEmpty { by = try grouping() } else if isKeyword("by") || isKeyword("without") {
        throw unsupported("`by` given twice")
      }
      query.aggregation = SeriesAggregation(op: op, by: by)
    } else {
      query = try selector(word)
    }
    skipSpace()
    guard position == scalars.count else { throw unsupported("unexpected text after the query") }
    return query
  }

  private mutating func selector(_ metric: String) throws(MetricsError) -> SeriesQuery {
    skipSpace()
    guard peek == "(" else { return SeriesQuery(metric: metric, matchers: try matchers()) }
    if SeriesAggregation.Operator(rawValue: metric.lowercased()) != nil {
      throw unsupported("only one aggregation is supported")
    }
    throw unsupported("functions such as \(metric)() are not supported")
  }

  private mutating func matchers() throws(MetricsError) -> [LabelMatcher] {
    guard peek == "{" else { return [] }
    position += 1
    var matchers: [LabelMatcher] = []
    while true {
      skipSpace()
      if peek == "}" {
        position += 1
        return matchers
      }
      guard let label = identifier(allowColons: false) else { throw unsupported("expected a label name or `}`") }
      skipSpace()
      let op: LabelMatcher.Operator
      switch (peek, peek(at: 1)) {
      case ("=", "~"): op = .matchesRegex
      case ("!", "~"): op = .doesNotMatchRegex
      case ("!", "="): op = .notEqual
      case ("=", _): op = .equal
      default: throw unsupported("expected =, !=, =~ or !~ after label \(label)")
      }
      position += op.rawValue.unicodeScalars.count
      skipSpace()
      let value = try string()
      do {
        matchers.append(try LabelMatcher(label: label, op: op, value: value))
      } catch {
        // The matcher names its own text; the message quotes the whole query.
        if case .badQuery(_, let message) = error { throw .badQuery(query: text, error: message) }
        throw error
      }
      skipSpace()
      if peek == "," {
        position += 1
      } else if peek != "}" {
        throw unsupported("expected `,` or `}` after a label matcher")
      }
    }
  }

  private mutating func grouping() throws(MetricsError) -> [String] {
    if isKeyword("without") { throw unsupported("`without` is not supported, only `by`") }
    guard isKeyword("by") else { return [] }
    position += 2
    skipSpace()
    try expect("(", "after by")
    var labels: [String] = []
    while true {
      skipSpace()
      if peek == ")" {
        position += 1
        skipSpace()
        return labels
      }
      guard let label = identifier(allowColons: false) else { throw unsupported("expected a label name in by (…)") }
      labels.append(label)
      skipSpace()
      if peek == "," {
        position += 1
      } else if peek != ")" {
        throw unsupported("expected `,` or `)` in by (…)")
      }
    }
  }

  /// A PromQL string: "…" and '…' with Go escapes, `…` raw.
  private mutating func string() throws(MetricsError) -> String {
    guard let quote = peek, quote == "\"" || quote == "'" || quote == "`" else {
      throw unsupported("expected a quoted label value")
    }
    let start = position
    position += 1
    var value = ""
    while let scalar = peek {
      position += 1
      if scalar == quote { return value }
      if scalar == "\\" && quote != "`" {
        guard let escaped = peek else { break }
        position += 1
        switch escaped {
        case "n": value += "\n"
        case "t": value += "\t"
        case "r": value += "\r"
        case "\\", "\"", "'": value.unicodeScalars.append(escaped)
        default:
          throw .badQuery(query: text, error: "unknown escape sequence \\\(escaped) at character \(position - 1)")
        }
        continue
      }
      if scalar == "\n" && quote != "`" { break }
      value.unicodeScalars.append(scalar)
    }
    throw .badQuery(query: text, error: "unterminated string starting at character \(start + 1)")
  }

  private mutating func expect(_ scalar: Unicode.Scalar, _ context: String) throws(MetricsError) {
    skipSpace()
    guard peek == scalar else { throw unsupported("expected `\(scalar)` \(context)") }
    position += 1
  }

  /// A metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`) or, without colons, a label name or keyword.
  private mutating func identifier(allowColons: Bool) -> String? {
    func isStart(_ s: Unicode.Scalar) -> Bool {
      ("a"..."z").contains(s) || ("A"..."Z").contains(s) || s == "_" || (allowColons && s == ":")
    }
    guard let first = peek, isStart(first) else { return nil }
    var name = ""
    while let scalar = peek, isStart(scalar) || ("0"..."9").contains(scalar) {
      name.unicodeScalars.append(scalar)
      position += 1
    }
    return name
  }

  /// Whether `word` (case-insensitive) stands next, as a whole word.
  private func isKeyword(_ word: String) -> Bool {
    let letters = Array(word.unicodeScalars)
    guard position + letters.count <= scalars.count else { return false }
    for (offset, letter) in letters.enumerated() where scalars[position + offset].properties.lowercaseMapping != String(letter) {
      return false
    }
    guard let next = peek(at: letters.count) else { return true }
    return !(("a"..."z").contains(next) || ("A"..."Z").contains(next) || ("0"..."9").contains(next) || next == "_")
  }

  private mutating func skipSpace() {
    while let scalar = peek, scalar.properties.isWhitespace { position += 1 }
  }

  private var peek: Unicode.Scalar? { peek(at: 0) }

  private func peek(at offset: Int) -> Unicode.Scalar? {
    position + offset < scalars.count ? scalars[position + offset] : nil
  }

  private func unsupported(_ what: String) -> MetricsError {
    let found: String
    if position >= scalars.count {
      found = "the end of the query"
    } else {
      var rest = String(String.UnicodeScalarView(scalars[position...].prefix(20)))
      if scalars.count - position > 20 { rest += "…" }
      found = "`\(rest)`"
    }
    return .unsupportedQuery(
      query: text, reason: "\(what) at character \(position + 1) (found \(found)); supported: \(Self.supported)")
  }

  static let supported = SeriesQuery.supportedForms
}
