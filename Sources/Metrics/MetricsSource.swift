public import Foundation

// The contract health gates are written against: the protocol, what it answers, and how it
// fails, kept together so both sides of it read one file.

/// Answers instant PromQL queries for health gates. Prometheus over HTTP for real clusters; the
/// embedded cluster's own source in simulation.
public protocol MetricsSource: Sendable {
  /// The instant vector (or scalar, as one sample with no labels) `query` evaluates to at `time`.
  /// An empty array means no data.
  func query(_ query: String, at time: Date) async throws(MetricsError) -> [MetricSample]
}

/// One element of an instant vector. A selector's samples carry the series name as the
/// `__name__` label, as Prometheus returns them; aggregations drop it.
public struct MetricSample: Sendable, Hashable {
  public var labels: [String: String]
  /// May be NaN or ±infinity: Prometheus answers them and a gate must decide what they mean.
  public var value: Double

  public init(labels: [String: String] = [:], value: Double) {
    self.labels = labels
    self.value = value
  }
}

/// Why a query has no answer. Each case names what a person needs to fix it; none ever
/// carries a credential.
public enum MetricsError: Error, Sendable, CustomStringConvertible, Equatable {
  /// No HTTP answer came: the URL asked (without its query string) and the transport's reason.
  case unreachable(url: String, reason: String)
  /// Prometheus (or a proxy before it) answered with an error status; `errorType` and `error`
  /// are Prometheus' own words when the body carried them, else the start of the body.
  case httpStatus(url: String, status: Int, errorType: String?, error: String?)
  /// The query was refused as malformed (Prometheus' `bad_data`).
  case badQuery(query: String, error: String)
  /// The answer was not the API's documented JSON.
  case undecodableResponse(url: String, reason: String)
  /// The source cannot answer this kind of query: the simulated cluster's PromQL subset, or a
  /// result that is not an instant vector or scalar (a range vector, a string).
  case unsupportedQuery(query: String, reason: String)
  /// The source was set up with a URL it cannot use.
  case invalidURL(url: String, reason: String)

  public var description: String {
    switch self {
    case .unreachable(let url, let reason):
      return "Prometheus at \(url) is unreachable: \(reason)"
    case .httpStatus(let url, let status, let errorType, let error):
      let detail = [errorType, error].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
      return "Prometheus at \(url) answered HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")"
    case .badQuery(let query, let error):
      return "bad query \(Self.quoted(query)): \(error)"
    case .undecodableResponse(let url, let reason):
      return "the answer of \(url) is not a Prometheus API response: \(reason)"
    case .unsupportedQuery(let query, let reason):
      return "unsupported query \(Self.quoted(query)): \(reason)"
    case .invalidURL(let url, let reason):
      return "Prometheus URL \(Self.quoted(url)) cannot be used: \(reason)"
    }
  }

  /// Queries are full of double quotes (label matchers): backquotes keep them readable.
  static func quoted(_ text: String) -> String { "`\(text)`" }
}
