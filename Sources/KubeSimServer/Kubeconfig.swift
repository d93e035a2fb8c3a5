import Foundation
public import Kube

/// How a generated kubeconfig authenticates.
public enum KubeconfigCredential: Sendable, Hashable {
  /// The admin client certificate (TLS endpoints only).
  case clientCertificate
  /// The admin bearer token.
  case adminToken
  case token(String)
  case certificate(certificatePEM: String, keyPEM: String)
  case none
}

/// A kubeconfig for a running server, for `kubectl --kubeconfig`: the endpoint's connection
/// written by the same `KubeConfigWriter` release uses for every generated kubeconfig.
public enum Kubeconfig {
  public static let contextName = "kubesim"

  public static func connection(for endpoint: ServerEndpoint, credential: KubeconfigCredential = .adminToken, namespace: String = "default")
    -> ClusterConnection
  {
    let credentials: Credentials
    switch credential {
    case .clientCertificate:
      if let certificate = endpoint.clientCertificatePEM, let key = endpoint.clientKeyPEM {
        credentials = .clientCertificate(certificatePEM: Data(certificate.utf8), keyPEM: Data(key.utf8))
      } else {
        credentials = .none
      }
    case .adminToken: credentials = .token(endpoint.token)
    case .token(let token): credentials = .token(token)
    case .certificate(let certificate, let key):
      credentials = .clientCertificate(certificatePEM: Data(certificate.utf8), keyPEM: Data(key.utf8))
    case .none: credentials = .none
    }
    var connection = endpoint.connection(credentials: credentials, namespace: namespace)
    connection.contextName = contextName
    return connection
  }

  public static func yaml(for endpoint: ServerEndpoint, credential: KubeconfigCredential = .adminToken, namespace: String = "default") -> String {
    KubeConfigWriter.yaml(for: connection(for: endpoint, credential: credential, namespace: namespace))
  }
}
