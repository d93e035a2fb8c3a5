public import Foundation
public import Kube
public import Logging

/// `MetricsSource` over Prometheus' HTTP API (`GET /api/v1/query`), through the project's
/// libcurl transport: the same TLS settings, credential sources and retry policy as the
/// Kubernetes client. `description` never shows a credential.
public struct PrometheusClient: MetricsSource, CustomStringConvertible {
  /// Prometheus' base URL as given, e.g. `http://prometheus.monitoring:9090`.
  public let url: String
  /// The query endpoint, named in errors (the query string is not: it is quoted separately).
  let endpoint: String
  let credentials: any CredentialSource
  let transport: any HTTPTransport
  let timeout: Duration
  let retry: RetryPolicy
  let clock: any Clock<Duration>
  let logger: Logger
  let jitter: JitterSource

  /// - Parameters:
  ///   - url: Prometheus' base URL; a path prefix (`…/prometheus`, an API server's service
  ///     proxy) is kept.
  ///   - bearerToken: sent as `Authorization: Bearer`; never printed.
  ///   - configuration: the CA to trust, server name and connect timeout.
  ///   - timeout: overall limit of one attempt.
  ///   - retry: a query is a GET, safe to repeat: refused connections, resets, timeouts, 429
  ///     and 5xx are retried as the policy allows.
  ///   - transport: defaults to libcurl configured from `configuration`.
  ///   - clock: what retry backoff sleeps on.
  ///   - jitterSeed: fixes the random part of backoff.
  public init(
    url: String, bearerToken: String? = nil, configuration: TransportConfiguration = TransportConfiguration(),
    timeout: Duration = .seconds(30), retry: RetryPolicy = RetryPolicy(maxAttempts: 3),
    transport: (any HTTPTransport)? = nil, clock: any Clock<Duration> = ContinuousClock(),
    logger: Logger = Logger(label: "release.metrics.prometheus"), jitterSeed: UInt64 = 0x5EED
  ) throws(MetricsError) {
    try self.init(
      url: url, credentials: StaticCredentialSource(bearerToken.map { .bearerToken($0) } ?? .none),
      configuration: configuration, timeout: timeout, retry: retry, transport: transport, clock: clock, logger: logger,
      jitterSeed: jitterSeed)
  }

  /// Prometheus reached as a cluster connection reaches its API server (its CA, token, token
  /// file, client certificate or exec plugin): through the API server's service proxy, or
  /// the served embedded cluster, which answers the query API at its own root.
  /// - Parameter url: defaults to the connection's server.
  public init(
    connection: ClusterConnection, url: String? = nil, timeout: Duration = .seconds(30),
    retry: RetryPolicy = RetryPolicy(maxAttempts: 3), transport: (any HTTPTransport)? = nil,
    clock: any Clock<Duration> = ContinuousClock(), logger: Logger = Logger(label: "release.metrics.prometheus"),
    jitterSeed: UInt64 = 0x5EED
  ) throws(MetricsError) {
    try self.init(
      url: url ?? connection.server, credentials: credentialSource(for: connection),
      configuration: TransportConfiguration(connection: connection), timeout: timeout, retry: retry,
      transport: transport, clock: clock, logger: logger, jitterSeed: jitterSeed)
  }

  init(
    url: String, credentials: any CredentialSource, configuration: TransportConfiguration, timeout: Duration,
    retry: RetryPolicy, transport: (any HTTPTransport)?, clock: any Clock<Duration>, logger: Logger, jitterSeed: UInt64
  ) throws(MetricsError) {
    guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
      scheme == "http" || scheme == "https", components.host?.isEmpty == false
    else { throw .invalidURL(url: url, reason: "not an http(s) URL with a host") }
    guard components.query == nil, components.fragment == nil else {
      throw .invalidURL(url: url, reason: "a base URL takes no query or fragment")
    }
    guard components.user == nil, components.password == nil else {
      // Credentials in a URL end up in logs and error messages: they belong in the token.
      throw .invalidURL(url: "\(scheme)://***@\(components.host ?? "")", reason: "credentials in the URL; pass a bearer token")
    }
    var base = url
    while base.hasSuffix("/") { base.removeLast() }
    self.url = url
    self.endpoint = base + "/api/v1/query"
    self.credentials = credentials
    if let transport {
      self.transport = transport
    } else {
      do {
        self.transport = try CurlTransport(configuration: configuration)
      } catch {
        throw .unreachable(url: base + "/api/v1/query", reason: error.message)
      }
    }
    self.timeout = timeout
    self.retry = retry
    self.clock = clock
    self.logger = logger
    self.jitter = JitterSource(seed: jitterSeed)
  }

  public var description: String { "Prometheus at \(url)" }

  public func query(_ query: String, at time: Date) async throws(MetricsError) -> [MetricSample] {
    let response = try await send(endpoint + "?query=" + Self.encoded(query) + "&time=" + Self.timestamp(time))
    return try PrometheusJSON.samples(body: Array(response.body), status: response.status, query: query, url: endpoint)
  }

  /// Sends the query until it is answered or the retry policy gives up. Any answer is
  /// returned, error statuses included: their body says what Prometheus objected to.
  private func send(_ requestURL: String) async throws(MetricsError) -> HTTPResponse {
    var attempt = 1
    var reauthenticated = false
    while true {
      let resolved: ResolvedCredentials
      do {
        resolved = try await credentials.current()
      } catch {
        throw .unreachable(url: endpoint, reason: "no credentials to send: \(error.description)")
      }
      var headers = [HTTPHeader("Accept", "application/json")]
      var identity: ClientIdentity?
      switch resolved {
      case .none: break
      case .bearerToken(let token): headers.append(HTTPHeader("Authorization", "Bearer \(token)"))
      case .clientCertificate(let certificate, let key): identity = ClientIdentity(certificatePEM: certificate, keyPEM: key)
      }
      let request = HTTPRequest(
        method: "GET", url: requestURL, headers: headers, clientIdentity: identity, timeout: timeout, isIdempotent: true)
      let response: HTTPResponse
      do {
        response = try await transport.send(request)
      } catch {
        guard
          let wait = retry.delay(afterTransport: error.kind, attempt: attempt, safety: .idempotent, random: jitter.next())
        else { throw .unreachable(url: endpoint, reason: error.message) }
        try await pause(wait, attempt: attempt, cause: error.message)
        attempt += 1
        continue
      }
      // A rotated token or expired exec credential: fetch a fresh one once, as the Kubernetes
      // client does.
      if response.status == 401 && !reauthenticated {
        reauthenticated = true
        await credentials.invalidate(rejected: resolved)
        continue
      }
      if (200..<300).contains(response.status) { return response }
      let retryAfter = response.head.header("Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard
        let wait = retry.delay(
          afterStatus: response.status, retryAfterSeconds: retryAfter, attempt: attempt, safety: .idempotent,
          random: jitter.next())
      else { return response }
      try await pause(wait, attempt: attempt, cause: "HTTP \(response.status)")
      attempt += 1
    }
  }

  private func pause(_ wait: Duration, attempt: Int, cause: String) async throws(MetricsError) {
    logger.debug(
      "retrying query",
      metadata: [
        "prometheus.url": "\(endpoint)", "retry.attempt": "\(attempt)", "retry.wait": "\(wait)", "retry.cause": "\(cause)",
      ])
    do {
      try await clock.sleep(for: wait)
    } catch {
      throw .unreachable(url: endpoint, reason: "cancelled while waiting to retry after \(cause)")
    }
  }

  /// Percent-encodes all but RFC 3986's unreserved characters: PromQL is full of `{}"=~+&`.
  static func encoded(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
      }
    }
    return out
  }

  /// Unix seconds with milliseconds, Prometheus' finest resolution.
  static func timestamp(_ date: Date) -> String {
    let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
    guard milliseconds.isFinite, abs(milliseconds) < 9e18 else { return "0" }
    let whole = Int64(milliseconds)
    let sign = whole < 0 ? "-" : ""
    let magnitude = whole.magnitude
    let fraction = String(magnitude % 1000)
    return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
  }
}
