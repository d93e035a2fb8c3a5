/// The small PromQL subset a source without Prometheus (the simulated cluster) evaluates over
/// the instant samples it holds: a selector, `name` or `name{matchers}`, optionally wrapped in
/// one `max`, `min`, `avg`, `sum` or `count`, optionally `by (labels)`. Deliberately small: a
/// gate that needs more needs a real Prometheus, and saying so beats answering wrongly.
public struct SeriesQuery: Sendable, Hashable, CustomStringConvertible {
  /// The metric name (`__name__`).
  public var metric: String
  public var matchers: [LabelMatcher]
  public var aggregation: SeriesAggregation?

  /// The forms `init(parsing:)` accepts, for messages that refuse the others.
  public static let supportedForms =
    "`metric`, `metric{label=\"v\", label!=\"v\", label=~\"re\", label!~\"re\"}`, and one of "
    + "max, min, avg, sum or count around it, optionally with `by (label, …)`, e.g. "
    + "`max by (deployment) (release:request_error_ratio{namespace=\"llm\"})`"

  public init(metric: String, matchers: [LabelMatcher] = [], aggregation: SeriesAggregation? = nil) {
    self.metric = metric
    self.matchers = matchers
    self.aggregation = aggregation
  }

  /// Reads `text`; anything outside the subset is `unsupportedQuery` naming the supported
  /// forms, a malformed string or regular expression is `badQuery`.
  public init(parsing text: String) throws(MetricsError) {
    var parser = SeriesQueryParser(text)
    self = try parser.parse()
  }

  /// The samples the query selects from `series` (each labelled with its `__name__`), in label
  /// order; aggregated when the query says so.
  public func evaluate(_ series: [MetricSample]) throws(MetricsError) -> [MetricSample] {
    var tests: [([String: String]) -> Bool] = [{ $0["__name__"] == metric }]
    for matcher in matchers { tests.append(try matcher.predicate()) }
    let selected = series.filter { sample in tests.allSatisfy { $0(sample.labels) } }
    guard let aggregation else { return selected.sorted(by: Self.ordered) }
    return aggregation.apply(selected)
  }

  public var description: String {
    let selector = matchers.isEmpty ? metric : "\(metric){\(matchers.map(\.description).joined(separator: ", "))}"
    guard let aggregation else { return selector }
    let by = aggregation.by.isEmpty ? "" : " by (\(aggregation.by.joined(separator: ", ")))"
    return "\(aggregation.op.rawValue)\(by) (\(selector))"
  }

  /// A total order on label sets (sorted name/value pairs compared in turn), so results never
  /// follow a dictionary's iteration order.
  static func ordered(_ a: MetricSample, _ b: MetricSample) -> Bool {
    let left = a.labels.sorted { $0.key < $1.key }
    let right = b.labels.sorted { $0.key < $1.key }
    for (l, r) in zip(left, right) where l != r {
      return l.key != r.key ? l.key < r.key : l.value < r.value
    }
    return left.count < right.count
  }
}
