import Foundation
import Manifest
import Metrics

/// `/api/v1/query`, Prometheus' instant-query endpoint, answered from the simulated cluster's
/// metrics source, so `PrometheusClient` (or curl, or Grafana) pointed at the served cluster
/// reads the series a rollout's gates read in process. Kubernetes has no `query` resource in
/// the core group, so the path cannot shadow one.
struct PrometheusQueryRoute: Sendable {
  let source: any MetricsSource
  /// The evaluation time when the request names none: the cluster's virtual now.
  let now: @Sendable () -> Date

  static let path = ["api", "v1", "query"]

  func answer(_ request: APIRequest) async -> APIResponse {
    guard request.method == "GET" || request.method == "POST" else {
      return .json(status: 405, body: PrometheusJSON.error(type: "bad_data", message: "method \(request.method) not allowed"))
    }
    var parameters = request.query
    // Prometheus takes the parameters form-encoded in a POST body too (long queries).
    if request.method == "POST", request.contentType == "application/x-www-form-urlencoded" {
      for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        parameters[APIRequest.decode(kv[0])] = kv.count > 1 ? APIRequest.decode(kv[1]) : ""
      }
    }
    guard let query = parameters["query"], !query.isEmpty else {
      return Self.badData("invalid parameter \"query\": no query given")
    }
    var time = now()
    if let text = parameters["time"], !text.isEmpty {
      guard let parsed = Self.time(text) else {
        return Self.badData("invalid parameter \"time\": cannot parse \"\(text)\" to a valid timestamp")
      }
      time = parsed
    }
    do {
      let samples = try await source.query(query, at: time)
      return .json(status: 200, body: PrometheusJSON.vector(samples, at: time.timeIntervalSince1970))
    } catch {
      switch error {
      case .badQuery(_, let message): return Self.badData(message)
      // Prometheus would evaluate it; the simulation cannot, and a parse-level refusal is the
      // answer a client can act on.
      case .unsupportedQuery(_, let reason): return Self.badData("unsupported by the simulated cluster: \(reason)")
      default: return .json(status: 500, body: PrometheusJSON.error(type: "internal", message: error.description))
      }
    }
  }

  private static func badData(_ message: String) -> APIResponse {
    .json(status: 400, body: PrometheusJSON.error(type: "bad_data", message: message))
  }

  /// Unix seconds (with a fraction) or RFC 3339, the two forms Prometheus accepts.
  static func time(_ text: String) -> Date? {
    if let seconds = Double(text), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
  }
}
