/// Sends HTTP requests to one API server. The REST client is written against this so its
/// request building, retries and decoding can be exercised without sockets.
public protocol HTTPTransport: Sendable {
  /// The whole response, or the reason none came.
  func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
  /// Returns once the status and headers are in; the body follows as the server sends it.
  func stream(_ request: HTTPRequest) async throws(TransportError) -> HTTPStreamingResponse
  /// Drops kept-alive connections, e.g. before the process or the server goes away.
  func closeIdleConnections()
}

extension HTTPTransport {
  public func closeIdleConnections() {}
}
