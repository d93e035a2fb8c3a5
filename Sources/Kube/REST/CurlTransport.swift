import Foundation
import Synchronization

/// `HTTPTransport` over libcurl. libcurl blocks, so each transfer runs on its own thread,
/// never on the Swift cooperative pool; awaiting callers only hold a continuation. Finished
/// easy handles go back to an idle pool with their open connections, so consecutive calls
/// reuse the TCP/TLS connection instead of dialling again.
public final class CurlTransport: HTTPTransport {
  public let configuration: TransportConfiguration
  private let idle = Mutex<[CurlEasy]>([])

  public init(configuration: TransportConfiguration) throws(TransportError) {
    guard CurlGlobal.initialized else { throw TransportError(.other, "libcurl could not be initialised") }
    self.configuration = configuration
  }

  public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
    let collected = Locked(Data())
    let transfer = Transfer(onHead: { _ in }, onBody: { chunk in collected.withLock { $0.append(chunk) } })
    let outcome: Result<HTTPResponse, TransportError> = await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        runOnThread(request, streaming: false, transfer: transfer) { error in
          if let error { return continuation.resume(returning: .failure(error)) }
          let head = transfer.head ?? HTTPResponseHead(status: 0, headers: [])
          continuation.resume(returning: .success(HTTPResponse(head: head, body: collected.value)))
        }
      }
    } onCancel: {
      transfer.cancel()
    }
    return try outcome.get()
  }

  public func stream(_ request: HTTPRequest) async throws(TransportError) -> HTTPStreamingResponse {
    let (body, bodyContinuation) = AsyncThrowingStream<Data, any Error>.makeStream()
    let headWaiter = Locked<CheckedContinuation<Result<HTTPResponseHead, TransportError>, Never>?>(nil)
    let transfer = Transfer(
      onHead: { head in headWaiter.withLock { $0.take() }?.resume(returning: .success(head)) },
      onBody: { chunk in bodyContinuation.yield(chunk) })
    bodyContinuation.onTermination = { _ in transfer.cancel() }
    let outcome: Result<HTTPResponseHead, TransportError> = await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        headWaiter.withLock { $0 = continuation }
        runOnThread(request, streaming: true, transfer: transfer) { error in
          if let waiter = headWaiter.withLock({ $0.take() }) {
            waiter.resume(returning: .failure(error ?? TransportError(.connectionLost, "no response head")))
          }
          if let error, error.kind != .cancelled {
            bodyContinuation.finish(throwing: error)
          } else {
            bodyContinuation.finish()
          }
        }
      }
    } onCancel: {
      transfer.cancel()
    }
    return HTTPStreamingResponse(head: try outcome.get(), body: body)
  }

  private func runOnThread(
    _ request: HTTPRequest, streaming: Bool, transfer: Transfer,
    completion: @escaping @Sendable (TransportError?) -> Void
  ) {
    let configuration = configuration
    let thread = Thread { [self] in
      guard let easy = checkOut() else {
        return completion(TransportError(.other, "libcurl could not create a handle"))
      }
      let error = easy.perform(request, configuration: configuration, streaming: streaming, transfer: transfer)
      checkIn(easy)
      completion(error)
    }
    thread.name = "curl-transfer"
    thread.start()
  }

  /// Closes the kept-alive connections (their handles go with them); later requests dial
  /// again. For orderly shutdown: a server waiting for idle clients to leave need not wait.
  public func closeIdleConnections() {
    let handles = idle.withLock { pool in
      defer { pool = [] }
      return pool
    }
    _ = handles  // released here; `CurlEasy.deinit` closes each connection
  }

  private func checkOut() -> CurlEasy? {
    if let easy = idle.withLock({ $0.popLast() }) { return easy }
    return CurlEasy()
  }

  private func checkIn(_ easy: CurlEasy) {
    let limit = configuration.maxIdleConnections
    idle.withLock { pool in
      if pool.count < limit { pool.append(easy) }
    }
  }
}
