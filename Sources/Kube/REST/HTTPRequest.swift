public import Foundation

/// One HTTP exchange as the REST client asks for it. A value: each attempt of a retried call
/// sends the same request, nothing leaks between calls.
public struct HTTPRequest: Sendable, Hashable, CustomStringConvertible {
  public var method: String
  public var url: String
  /// In order; names are sent as given.
  public var headers: [HTTPHeader]
  public var body: Data?
  /// The TLS client certificate for this request (it may rotate between requests).
  public var clientIdentity: ClientIdentity?
  /// Overall limit for the whole exchange; nil waits as long as data keeps flowing (watches).
  public var timeout: Duration?
  /// False for requests that must reach the server at most once (create, eviction). libcurl
  /// silently resends a request whose reused connection turns out dead; such requests get a
  /// fresh connection instead, so a reset is reported rather than replayed.
  public var isIdempotent: Bool

  public init(
    method: String, url: String, headers: [HTTPHeader] = [], body: Data? = nil, clientIdentity: ClientIdentity? = nil,
    timeout: Duration? = nil, isIdempotent: Bool = true
  ) {
    self.isIdempotent = isIdempotent
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
    self.clientIdentity = clientIdentity
    self.timeout = timeout
  }

  public func header(_ name: String) -> String? {
    headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
  }

  /// Method, URL and headers with credentials masked: safe for logs and errors.
  public var description: String {
    let shown = headers.map { "\($0.name): \($0.maskedValue)" }.joined(separator: ", ")
    return "\(method) \(url) [\(shown)]"
  }
}

public struct HTTPHeader: Sendable, Hashable {
  public var name: String
  public var value: String

  public init(_ name: String, _ value: String) {
    self.name = name
    self.value = value
  }

  static let sensitive: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

  /// The value, unless the header carries a credential.
  public var maskedValue: String {
    guard Self.sensitive.contains(name.lowercased()) else { return value }
    if let scheme = value.split(separator: " ").first, value.contains(" ") { return "\(scheme) ***" }
    return "***"
  }
}

/// A PEM client certificate and its key. Never printed.
public struct ClientIdentity: Sendable, Hashable, CustomStringConvertible {
  public var certificatePEM: Data
  public var keyPEM: Data

  public init(certificatePEM: Data, keyPEM: Data) {
    self.certificatePEM = certificatePEM
    self.keyPEM = keyPEM
  }

  public var description: String { "client certificate ***" }
}

/// Status line and headers, available before the body when a response streams.
public struct HTTPResponseHead: Sendable, Hashable {
  public var status: Int
  public var headers: [HTTPHeader]

  public init(status: Int, headers: [HTTPHeader]) {
    self.status = status
    self.headers = headers
  }

  public func header(_ name: String) -> String? {
    headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
  }
}

public struct HTTPResponse: Sendable, Hashable {
  public var head: HTTPResponseHead
  public var body: Data

  public init(head: HTTPResponseHead, body: Data) {
    self.head = head
    self.body = body
  }

  public var status: Int { head.status }
}

/// A response whose body arrives chunk by chunk as the server sends it (watches). Dropping
/// or cancelling the iteration of `body` aborts the transfer.
public struct HTTPStreamingResponse: Sendable {
  public var head: HTTPResponseHead
  public var body: AsyncThrowingStream<Data, any Error>

  public init(head: HTTPResponseHead, body: AsyncThrowingStream<Data, any Error>) {
    self.head = head
    self.body = body
  }
}
