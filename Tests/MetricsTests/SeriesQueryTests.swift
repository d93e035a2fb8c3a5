import Metrics
import Testing

@Suite("PromQL subset")
struct SeriesQueryTests {
  static func series(_ name: String, _ labels: [String: String], _ value: Double) -> MetricSample {
    var named = labels
    named["__name__"] = name
    return MetricSample(labels: named, value: value)
  }

  static let a = series("m", ["namespace": "llm", "pod": "vllm-1", "deployment": "vllm", "image": "img:v1"], 0.1)
  static let b = series("m", ["namespace": "llm", "pod": "vllm-2", "deployment": "vllm", "image": "img:v2-errors"], 0.2)
  static let c = series("m", ["namespace": "other", "pod": "web-1", "deployment": "web"], 0.5)
  static let d = series("n", ["namespace": "llm", "pod": "vllm-1"], 3)
  static let all = [d, c, b, a]

  struct Case: Sendable, CustomTestStringConvertible {
    var query: String
    var expected: [MetricSample]
    var testDescription: String { query }
  }

  @Test(arguments: [
    Case(query: "m", expected: [a, b, c]),
    Case(query: #"m{namespace="llm"}"#, expected: [a, b]),
    Case(query: #"m{deployment!="vllm"}"#, expected: [c]),
    Case(query: #"m{image=~".*-errors"}"#, expected: [b]),
    Case(query: #"m{image!~"img:.*"}"#, expected: [c]),
    Case(query: #"m{image=""}"#, expected: [c]),
    Case(query: #"m{image=~"img"}"#, expected: []),
    Case(query: #"m{namespace="llm", pod!="vllm-1"}"#, expected: [b]),
    Case(query: #"m{image=~`img:v\d`}"#, expected: [a]),
    Case(query: #" max ( m{ namespace = 'llm' , } ) "#, expected: [MetricSample(value: 0.2)]),
    Case(query: "max(m)", expected: [MetricSample(value: 0.5)]),
    Case(query: #"min(m{namespace="llm"})"#, expected: [MetricSample(value: 0.1)]),
    Case(query: "sum by (namespace) (m)", expected: [
      MetricSample(labels: ["namespace": "llm"], value: 0.1 + 0.2), MetricSample(labels: ["namespace": "other"], value: 0.5),
    ]),
    Case(query: "count(m) by (deployment)", expected: [
      MetricSample(labels: ["deployment": "vllm"], value: 2), MetricSample(labels: ["deployment": "web"], value: 1),
    ]),
    Case(query: "COUNT BY (image) (m)", expected: [
      MetricSample(labels: [:], value: 1), MetricSample(labels: ["image": "img:v1"], value: 1),
      MetricSample(labels: ["image": "img:v2-errors"], value: 1),
    ]),
    Case(query: "avg by (pod, namespace,) (n)", expected: [MetricSample(labels: ["namespace": "llm", "pod": "vllm-1"], value: 3)]),
    Case(query: "nope", expected: []),
    Case(query: "count(nope)", expected: []),
    Case(query: "sum(nope)", expected: []),
  ])
  func evaluatesEachSupportedForm(_ c: Case) throws {
    #expect(try SeriesQuery(parsing: c.query).evaluate(Self.all) == c.expected)
  }

  @Test func averagesOverTheSelectedSeries() throws {
    let result = try SeriesQuery(parsing: #"avg(m{namespace="llm"})"#).evaluate(Self.all)
    #expect(result.count == 1)
    #expect(abs((result.first?.value ?? 0) - 0.15) < 1e-12)
  }

  @Test func aNaNGivesWayToANumberInMaxAndMin() throws {
    let series = [Self.series("m", ["pod": "a"], .nan), Self.series("m", ["pod": "b"], 0.3)]
    #expect(try SeriesQuery(parsing: "max(m)").evaluate(series) == [MetricSample(value: 0.3)])
    #expect(try SeriesQuery(parsing: "min(m)").evaluate(series) == [MetricSample(value: 0.3)])
  }

  @Test(arguments: [
    "m", #"m{a="x", b!="y", c=~"z.*", d!~"w"}"#, "max by (deployment) (m)", #"count (m{pod="q\"uote"})"#,
  ])
  func printsWhatItReads(_ text: String) throws {
    let query = try SeriesQuery(parsing: text)
    #expect(try SeriesQuery(parsing: query.description) == query)
  }

  @Test(arguments: [
    ("rate(m[5m])", "functions such as rate()"),
    ("m[5m]", "unexpected text after the query"),
    ("m > 0.5", "unexpected text after the query"),
    ("m offset 5m", "unexpected text after the query"),
    ("topk(1, m)", "functions such as topk()"),
    ("sum without (pod) (m)", "`without` is not supported"),
    ("max(max(m))", "only one aggregation"),
    ("max by (a) (m) by (b)", "`by` given twice"),
    ("1", "expected a metric name"),
    (#"{__name__="m"}"#, "expected a metric name"),
    ("max(m", "expected `)`"),
    (#"m{pod}"#, "expected =, !=, =~ or !~"),
    (#"m{pod=vllm}"#, "expected a quoted label value"),
    ("", "expected a metric name"),
  ])
  func refusesEverythingElseNamingTheSupportedForms(query: String, words: String) {
    let error = #expect(throws: MetricsError.self) { try SeriesQuery(parsing: query) }
    guard case .unsupportedQuery(let text, let reason) = error else {
      Issue.record("expected unsupportedQuery, got \(String(describing: error))")
      return
    }
    #expect(text == query)
    #expect(reason.contains(words), "\(reason)")
    #expect(reason.contains("supported: `metric`, `metric{label=\"v\""), "\(reason)")
  }

  @Test(arguments: [
    (#"m{pod="vllm"#, "unterminated string starting at character 7"),
    (#"m{pod=~"(unclosed"}"#, "invalid regular expression \"(unclosed\" for label pod"),
    (#"m{pod="a\qb"}"#, "unknown escape sequence \\q"),
  ])
  func aMalformedStringOrRegexIsABadQuery(query: String, words: String) {
    let error = #expect(throws: MetricsError.self) { try SeriesQuery(parsing: query) }
    guard case .badQuery(let text, let message) = error else {
      Issue.record("expected badQuery, got \(String(describing: error))")
      return
    }
    #expect(text == query)
    #expect(message.contains(words), "\(message)")
  }
}
