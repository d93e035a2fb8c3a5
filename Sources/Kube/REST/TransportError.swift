/// Why an exchange did not produce a response. `kind` decides whether a retry is safe: a
/// refused connection never reached the server, a reset or timeout may have.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Kind: Sendable, Hashable {
    /// Nothing was sent: DNS failure or connection refused.
    case couldNotConnect
    /// The connection broke after it was made (reset, closed early, partial body).
    case connectionLost
    case timedOut
    /// Certificate verification or handshake failure: retrying will not help.
    case tls
    case cancelled
    case other
  }

  public var kind: Kind
  public var message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}
