public import Foundation
public import Kube

/// Pushes metric families to a Prometheus Pushgateway (`PUT /metrics/job/<job>/<label>/<value>…`),
/// through the project's libcurl transport. A PUT replaces the whole group, so a push is safe
/// to repeat: refused connections, resets, timeouts, 429 and 5xx are retried by the policy.
public struct Pushgateway: Sendable, CustomStringConvertible {
  public let url: String
  let base: String
  let transport: any HTTPTransport
  let timeout: Duration
  let retry: RetryPolicy
  let clock: any Clock<Duration>
  let jitter: JitterSource

  public init(
    url: String, configuration: TransportConfiguration = TransportConfiguration(), timeout: Duration = .seconds(10),
    retry: RetryPolicy = RetryPolicy(maxAttempts: 3), transport: (any HTTPTransport)? = nil, clock: any Clock<Duration>,
    jitterSeed: UInt64 = 0x5EED
  ) throws(MetricsError) {
    guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
      scheme == "http" || scheme == "https", components.host?.isEmpty == false, components.query == nil, components.fragment == nil
    else { throw .invalidURL(url: url, reason: "not an http(s) base URL with a host (e.g. http://pushgateway:9091)") }
    guard components.user == nil, components.password == nil else {
      throw .invalidURL(url: "\(scheme)://***@\(components.host ?? "")", reason: "credentials in the URL end up in logs")
    }
    var base = url
    while base.hasSuffix("/") { base.removeLast() }
    self.url = url
    self.base = base
    if let transport {
      self.transport = transport
    } else {
      do {
        self.transport = try CurlTransport(configuration: configuration)
      } catch {
        throw .unreachable(url: base, reason: error.message)
      }
    }
    self.timeout = timeout
    self.retry = retry
    self.clock = clock
    self.jitter = JitterSource(seed: jitterSeed)
  }

  public var description: String { "Pushgateway at \(url)" }

  /// The group's URL: each label value as a path segment, or base64url-encoded (`label@base64`)
  /// where it holds anything a path segment cannot carry as is (`/`, empty).
  public func groupURL(job: String, grouping: [(String, String)]) -> String {
    var path = base + "/metrics"
    for (label, value) in [("job", job)] + grouping {
      let plain = !value.isEmpty && value.utf8.allSatisfy { byte in
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
          || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
          || byte == UInt8(ascii: ".")
      }
      if plain {
        path += "/\(label)/\(value)"
      } else {
        let encoded = Data(value.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        path += "/\(label)@base64/\(encoded.isEmpty ? "=" : encoded)"
      }
    }
    return path
  }

  /// Replaces the group's metrics with `families`.
  public func push(_ families: [MetricFamily], job: String, grouping: [(String, String)]) async throws(MetricsError) {
    let target = groupURL(job: job, grouping: grouping)
    let request = HTTPRequest(
      method: "PUT", url: target, headers: [HTTPHeader("Content-Type", "text/plain; version=0.0.4")],
      body: Data(MetricFamily.exposition(families).utf8), timeout: timeout, isIdempotent: true)
    var attempt = 1
    while true {
      let response: HTTPResponse
      do {
        response = try await transport.send(request)
      } catch {
        guard let wait = retry.delay(afterTransport: error.kind, attempt: attempt, safety: .idempotent, random: jitter.next())
        else { throw .unreachable(url: target, reason: error.message) }
        try await pause(wait, target: target, cause: error.message)
        attempt += 1
        continue
      }
      if (200..<300).contains(response.status) { return }
      let retryAfter = response.head.header("Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard
        let wait = retry.delay(
          afterStatus: response.status, retryAfterSeconds: retryAfter, attempt: attempt, safety: .idempotent, random: jitter.next())
      else {
        // The Pushgateway says what it refused in a plain-text body (a bad metric name, a clash).
        let text = String(decoding: response.body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        throw .httpStatus(url: target, status: response.status, errorType: nil, error: text.isEmpty ? nil : text)
      }
      try await pause(wait, target: target, cause: "HTTP \(response.status)")
      attempt += 1
    }
  }

  private func pause(_ wait: Duration, target: String, cause: String) async throws(MetricsError) {
    do {
      try await clock.sleep(for: wait)
    } catch {
      throw .unreachable(url: target, reason: "cancelled while waiting to retry after \(cause)")
    }
  }
}
