public import Foundation

/// How the transport reaches the server: trust, the name to verify, and time limits.
public struct TransportConfiguration: Sendable, Hashable {
  /// PEM bundle to trust instead of the system roots.
  public var certificateAuthorityPEM: Data?
  /// Verify the server certificate against this name while connecting to the URL's host.
  public var tlsServerName: String?
  public var insecureSkipTLSVerify: Bool
  public var connectTimeout: Duration
  /// Overall limit for requests that do not say otherwise.
  public var requestTimeout: Duration
  /// A streaming response that delivers no byte for this long is treated as a lost
  /// connection (a silently dead peer); the watch then resumes from where it was. libcurl
  /// averages the rate over about five seconds, so detection can take that much longer.
  public var streamIdleTimeout: Duration
  /// Idle connections (with their easy handles) kept for reuse.
  public var maxIdleConnections: Int
  public var userAgent: String

  public init(
    certificateAuthorityPEM: Data? = nil, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool = false,
    connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(60),
    streamIdleTimeout: Duration = .seconds(300), maxIdleConnections: Int = 8, userAgent: String = "release/0 (libcurl)"
  ) {
    self.certificateAuthorityPEM = certificateAuthorityPEM
    self.tlsServerName = tlsServerName
    self.insecureSkipTLSVerify = insecureSkipTLSVerify
    self.connectTimeout = connectTimeout
    self.requestTimeout = requestTimeout
    self.streamIdleTimeout = streamIdleTimeout
    self.maxIdleConnections = maxIdleConnections
    self.userAgent = userAgent
  }

  public init(connection: ClusterConnection) {
    self.init(
      certificateAuthorityPEM: connection.certificateAuthorityPEM, tlsServerName: connection.tlsServerName,
      insecureSkipTLSVerify: connection.insecureSkipTLSVerify)
  }
}

extension Duration {
  var milliseconds: Int {
    let (seconds, attoseconds) = components
    return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
  }
}
