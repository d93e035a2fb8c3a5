/// `op by (labels) (selector)`: one of the aggregation operators a gate typically wraps around
/// per-pod series ("the worst pod", "the fleet's average").
public struct SeriesAggregation: Sendable, Hashable {
  public enum Operator: String, Sendable, Hashable, CaseIterable {
    case max, min, avg, sum, count
  }

  public var op: Operator
  /// Labels that split the result into groups; empty: one group of everything.
  public var by: [String]

  public init(op: Operator, by: [String] = []) {
    self.op = op
    self.by = by
  }

  /// One sample per group present in `samples`, labelled with the group's `by` labels (those it
  /// has), ordered by those labels. No input, no output: an aggregation over no series is no
  /// data, not zero.
  func apply(_ samples: [MetricSample]) -> [MetricSample] {
    var groups: [[String: String]: [Double]] = [:]
    for sample in samples {
      var key: [String: String] = [:]
      for label in by { if let value = sample.labels[label] { key[label] = value } }
      groups[key, default: []].append(sample.value)
    }
    return groups.map { MetricSample(labels: $0.key, value: combine($0.value)) }.sorted(by: SeriesQuery.ordered)
  }

  private func combine(_ values: [Double]) -> Double {
    switch op {
    case .count: return Double(values.count)
    case .sum: return values.reduce(0, +)
    case .avg: return values.reduce(0, +) / Double(values.count)
    // As Prometheus: a NaN gives way to any number, so one pod reporting NaN does not hide
    // another's real value.
    case .max: return values.reduce(Double.nan) { $0.isNaN || $1 > $0 ? $1 : $0 }
    case .min: return values.reduce(Double.nan) { $0.isNaN || $1 < $0 ? $1 : $0 }
    }
  }
}
