public import Manifest
import Foundation

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

/// A kubeconfig for a running server, for `kubectl --kubeconfig`.
public enum Kubeconfig {
  public static let contextName = "kubesim"

  public static func document(for endpoint: ServerEndpoint, credential: KubeconfigCredential = .adminToken, namespace: String = "default")
    -> Value
  {
    var cluster: Value = ["server": .string(endpoint.url)]
    if let ca = endpoint.caPEM { cluster["certificate-authority-data"] = .string(base64(ca)) }
    var user: Value = [:]
    switch credential {
    case .clientCertificate:
      if let cert = endpoint.clientCertificatePEM, let key = endpoint.clientKeyPEM {
        user = ["client-certificate-data": .string(base64(cert)), "client-key-data": .string(base64(key))]
      }
    case .adminToken: user = ["token": .string(endpoint.token)]
    case .token(let token): user = ["token": .string(token)]
    case .certificate(let cert, let key):
      user = ["client-certificate-data": .string(base64(cert)), "client-key-data": .string(base64(key))]
    case .none: break
    }
    return [
      "apiVersion": "v1", "kind": "Config",
      "clusters": [["name": .string(contextName), "cluster": cluster]],
      "users": [["name": .string(contextName), "user": user]],
      "contexts": [["name": .string(contextName), "context": ["cluster": .string(contextName), "user": .string(contextName), "namespace": .string(namespace)]]],
      "current-context": .string(contextName),
      "preferences": [:],
    ]
  }

  public static func yaml(for endpoint: ServerEndpoint, credential: KubeconfigCredential = .adminToken, namespace: String = "default") -> String {
    YAMLWriter.string(document(for: endpoint, credential: credential, namespace: namespace))
  }

  static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}
