import Foundation
import Kube
import Synchronization

/// An `HTTPTransport` that answers from a script (the last reply repeats) and records every
/// request, so the client's requests, retries and decoding are checked without sockets.
final class ScriptedTransport: HTTPTransport {
  enum Reply: Sendable {
    case answer(status: Int, body: String, headers: [HTTPHeader] = [])
    case fail(TransportError)
  }

  private let state: Mutex<(replies: [Reply], requests: [HTTPRequest])>

  init(_ replies: [Reply]) {
    state = Mutex((replies, []))
  }

  /// One successful answer with `body`.
  convenience init(json body: String) {
    self.init([.answer(status: 200, body: body)])
  }

  var requests: [HTTPRequest] { state.withLock { $0.requests } }

  func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
    let reply = state.withLock { state -> Reply in
      state.requests.append(request)
      return state.replies.count > 1 ? state.replies.removeFirst() : state.replies[0]
    }
    switch reply {
    case .answer(let status, let body, let headers):
      return HTTPResponse(head: HTTPResponseHead(status: status, headers: headers), body: Data(body.utf8))
    case .fail(let error):
      throw error
    }
  }

  func stream(_ request: HTTPRequest) async throws(TransportError) -> HTTPStreamingResponse {
    throw TransportError(.other, "a query never streams")
  }
}
