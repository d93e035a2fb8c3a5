import Foundation
public import Kube

/// Where a started server listens and how to authenticate to it as the admin user.
/// `description` masks the token and key.
public struct ServerEndpoint: Sendable, Hashable, CustomStringConvertible {
  /// `https://127.0.0.1:PORT` (or `http://…` without TLS).
  public var url: String
  public var port: Int
  /// The CA that signed the server and client certificates; nil without TLS.
  public var caPEM: String?
  /// Client certificate for `release-admin` (O=system:masters) and its PKCS#8 key; nil without TLS.
  public var clientCertificatePEM: String?
  public var clientKeyPEM: String?
  /// Bearer token of `release-admin`.
  public var token: String

  public init(url: String, port: Int, caPEM: String?, clientCertificatePEM: String?, clientKeyPEM: String?, token: String) {
    self.url = url
    self.port = port
    self.caPEM = caPEM
    self.clientCertificatePEM = clientCertificatePEM
    self.clientKeyPEM = clientKeyPEM
    self.token = token
  }

  public var description: String { "\(url) (token ***)" }

  /// The connection the REST client needs, authenticating with the admin token (or `credentials`).
  public func connection(credentials: Credentials? = nil, namespace: String = "default") -> ClusterConnection {
    ClusterConnection(
      server: url, certificateAuthorityPEM: caPEM.map { Data($0.utf8) }, credentials: credentials ?? .token(token),
      namespace: namespace, contextName: "kubesim")
  }
}
