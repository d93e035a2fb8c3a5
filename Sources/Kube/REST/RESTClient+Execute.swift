import Foundation
import Logging
import Manifest

/// One API call before credentials and retries are applied.
struct RESTCall: Sendable {
  var method: String
  var path: String
  var query: [(String, String)] = []
  var body: Value?
  var contentType: String = "application/json"
  var safety: RetryPolicy.Safety
  /// nil: the transport's default overall limit.
  var timeout: Duration?
}

extension RESTClient {
  /// Sends `call` until it succeeds or the retry policy gives up; a 2xx reply is returned,
  /// anything else is thrown as the server's Status. A 401 invalidates the credentials and is
  /// retried once with fresh ones.
  func execute(_ call: RESTCall) async throws(KubeError) -> HTTPResponse {
    try await withRetries(call, send: { request throws(TransportError) in try await transport.send(request) }, head: \.head, errorBody: \.body)
  }

  /// Opens a streaming response (a watch), with the same retry rules as `execute` for
  /// everything up to the response head.
  func openStream(_ call: RESTCall) async throws(KubeError) -> HTTPStreamingResponse {
    try await withRetries(
      call, send: { request throws(TransportError) in try await transport.stream(request) }, head: \.head,
      errorBody: { response in
        var body = Data()
        do {
          for try await chunk in response.body where body.count < 1 << 20 { body.append(chunk) }
        } catch {
          // The status line already says what went wrong; a cut-off error body changes nothing.
        }
        return body
      })
  }

  /// The retry loop shared by whole and streamed responses: transport failures and error
  /// statuses are retried as the policy allows for the call's safety.
  private func withRetries<Response: Sendable>(
    _ call: RESTCall, send: (HTTPRequest) async throws(TransportError) -> Response,
    head: (Response) -> HTTPResponseHead, errorBody: (Response) async -> Data
  ) async throws(KubeError) -> Response {
    var attempt = 1
    var reauthenticated = false
    while true {
      let (request, used) = try await httpRequest(for: call)
      let response: Response
      do {
        response = try await send(request)
      } catch {
        guard
          let wait = retry.delay(
            afterTransport: error.kind, attempt: attempt, safety: call.safety, random: jitter.next())
        else { throw error.asKubeError }
        logRetry(call, attempt: attempt, wait: wait, cause: error.message)
        try await pause(wait)
        attempt += 1
        continue
      }
      let status = head(response).status
      if (200..<300).contains(status) { return response }
      let failure = StatusDecoding.error(status: status, headers: head(response).headers, body: await errorBody(response))
      if status == 401 && !reauthenticated {
        reauthenticated = true
        await credentials.invalidate(rejected: used)
        continue
      }
      // A budget refusal is an answer, not throttling: the caller decides when to evict again.
      if failure.isDisruptionBudgetRefusal { throw failure }
      guard
        let wait = retry.delay(
          afterStatus: status, retryAfterSeconds: failure.retryAfterSeconds, attempt: attempt, safety: call.safety,
          random: jitter.next())
      else { throw failure }
      logRetry(call, attempt: attempt, wait: wait, cause: "HTTP \(status)")
      try await pause(wait)
      attempt += 1
    }
  }

  /// The request for `call` and the credentials it carries (to name them if rejected).
  func httpRequest(for call: RESTCall) async throws(KubeError) -> (HTTPRequest, ResolvedCredentials) {
    var headers = [HTTPHeader("Accept", "application/json")]
    var identity: ClientIdentity?
    let resolved = try await credentials.current()
    switch resolved {
    case .none: break
    case .bearerToken(let token): headers.append(HTTPHeader("Authorization", "Bearer \(token)"))
    case .clientCertificate(let certificate, let key):
      identity = ClientIdentity(certificatePEM: certificate, keyPEM: key)
    }
    var body: Data?
    if let value = call.body {
      body = Data(JSON.string(value).utf8)
      headers.append(HTTPHeader("Content-Type", call.contentType))
    }
    let request = HTTPRequest(
      method: call.method, url: baseURL + call.path + RESTPath.query(call.query), headers: headers, body: body,
      clientIdentity: identity, timeout: call.timeout, isIdempotent: call.safety == .idempotent)
    return (request, resolved)
  }

  func pause(_ duration: Duration) async throws(KubeError) {
    do {
      try await clock.sleep(for: duration)
    } catch {
      throw KubeError.transport("cancelled while waiting to retry")
    }
  }

  private func logRetry(_ call: RESTCall, attempt: Int, wait: Duration, cause: String) {
    logger.debug(
      "retrying request",
      metadata: [
        "http.method": "\(call.method)", "http.path": "\(call.path)", "retry.attempt": "\(attempt)",
        "retry.wait": "\(wait)", "retry.cause": "\(cause)",
      ])
  }
}

extension KubeError {
  var isDisruptionBudgetRefusal: Bool {
    guard case .status(let status) = self, status.code == 429 else { return false }
    return status.details?.causes.contains { $0.type == "DisruptionBudget" } ?? false
  }

  var retryAfterSeconds: Int? {
    if case .status(let status) = self { return status.details?.retryAfterSeconds }
    return nil
  }
}
