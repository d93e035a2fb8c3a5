public import Foundation

/// Answers instant PromQL queries for health gates. Prometheus over HTTP for real clusters; the
/// embedded cluster's own source in simulation.
public protocol MetricsSource: Sendable {
  /// The instant vector (or scalar, as one sample with no labels) `query` evaluates to at `time`.
  /// An empty array means no data.
  func query(_ query: String, at time: Date) async throws(MetricsError) -> [MetricSample]
}

public struct MetricSample: Sendable, Hashable {
  public var labels: [String: String]
  public var value: Double

  public init(labels: [String: String], value: Double) {
    self.labels = labels
    self.value = value
  }
}

public enum MetricsError: Error, Sendable, CustomStringConvertible, Equatable {
  case unreachable(url: String, reason: String)
  case unsupportedQuery(String, reason: String)

  public var description: String {
    switch self {
    case .unreachable(let url, let reason): return "metrics source \(url) unreachable: \(reason)"
    case .unsupportedQuery(let query, let reason): return "query \"\(query)\": \(reason)"
    }
  }
}
