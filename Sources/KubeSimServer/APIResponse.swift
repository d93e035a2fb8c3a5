import Kube
import Manifest

/// What the API layer answers: a JSON document with a status code, or a watch stream whose
/// events the connection writes one per line as they come.
enum APIResponse: Sendable {
  case json(status: Int, body: Value, headers: [(String, String)] = [])
  /// Plain text (`pods/log`, and the errors kube-apiserver writes as text).
  case text(String, status: Int = 200)
  /// A body already encoded (the OpenAPI documents, kept encoded because they are large).
  case bytes([UInt8], contentType: String, status: Int = 200)
  case watch(WatchResponse)
  /// Plain text sent as it comes, until the stream ends (`pods/log?follow=true`).
  case textStream(AsyncThrowingStream<String, any Error>)

  static func error(_ error: KubeError) -> APIResponse {
    let status = Self.status(of: error)
    var headers: [(String, String)] = []
    if let retry = status.details?.retryAfterSeconds { headers.append(("Retry-After", String(retry))) }
    return .json(status: status.code, body: status.object, headers: headers)
  }

  static func status(of error: KubeError) -> Status {
    switch error {
    case .status(let status): return status
    case .transport(let message), .decoding(let message), .configuration(let message):
      return Status(code: 500, reason: .internalError, message: message)
    }
  }

  static func success(code: Int = 200, details: Value? = nil) -> Value {
    var body: Value = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": .int(Int64(code))]
    if let details { body["details"] = details }
    return body
  }
}

/// A watch in flight: events already known (the synthetic ADDED set for a watch without a
/// resourceVersion), then the live stream, each event rendered by `encode`.
struct WatchResponse: Sendable {
  var initial: [WatchEvent]
  var stream: AsyncThrowingStream<WatchEvent, any Error>
  /// Real seconds after which the server ends the watch cleanly.
  var timeout: Duration?
  var encode: @Sendable (WatchEvent) -> Value
}
