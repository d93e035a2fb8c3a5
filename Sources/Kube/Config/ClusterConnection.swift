public import Foundation

/// Everything needed to reach one API server as one user: the result of resolving a kubeconfig
/// context (or the in-cluster service account), and the only input the REST client needs.
/// Secret material is held here but never printed: `description` masks it.
public struct ClusterConnection: Sendable, Hashable, CustomStringConvertible {
  /// `https://host:port` or `http://host:port`, possibly with a path prefix.
  public var server: String
  /// PEM bundle to trust instead of the system roots (certificate-authority or -data).
  public var certificateAuthorityPEM: Data?
  /// The name the server certificate must carry when it differs from the host in `server`.
  public var tlsServerName: String?
  public var insecureSkipTLSVerify: Bool
  public var credentials: Credentials
  /// The context's namespace, or "default".
  public var namespace: String
  /// The context this came from ("in-cluster" for the service account), for messages.
  public var contextName: String

  public init(
    server: String, certificateAuthorityPEM: Data? = nil, tlsServerName: String? = nil,
    insecureSkipTLSVerify: Bool = false, credentials: Credentials = .none, namespace: String = "default",
    contextName: String
  ) {
    self.server = server
    self.certificateAuthorityPEM = certificateAuthorityPEM
    self.tlsServerName = tlsServerName
    self.insecureSkipTLSVerify = insecureSkipTLSVerify
    self.credentials = credentials
    self.namespace = namespace
    self.contextName = contextName
  }

  public var description: String {
    "context \(contextName) (server \(server), \(credentials))"
  }
}

/// How the client proves who it is.
public enum Credentials: Sendable, Hashable, CustomStringConvertible {
  case none
  /// A bearer token given inline.
  case token(String)
  /// A bearer token read from a file at each use, so rotated service-account tokens are picked up.
  case tokenFile(String)
  /// PEM client certificate and key (from -data fields or read from their files).
  case clientCertificate(certificatePEM: Data, keyPEM: Data)
  /// A client.authentication.k8s.io exec credential plugin.
  case exec(ExecCredentialConfig)

  public var description: String {
    switch self {
    case .none: return "no credentials"
    case .token: return "bearer token ***"
    case .tokenFile(let path): return "bearer token from \(path)"
    case .clientCertificate: return "client certificate"
    case .exec(let config): return "exec plugin \(config.command)"
    }
  }
}

/// The `users[].user.exec` stanza of a kubeconfig.
public struct ExecCredentialConfig: Sendable, Hashable {
  public var command: String
  public var args: [String]
  /// Extra environment for the plugin, in order.
  public var env: [EnvVar]
  public var apiVersion: String
  public var installHint: String?
  /// `provideClusterInfo`: pass the cluster in KUBERNETES_EXEC_INFO.
  public var provideClusterInfo: Bool
  /// Directory of the kubeconfig file that named the plugin: a relative `command` containing a
  /// slash resolves against it, as kubectl does.
  public var baseDirectory: String?

  public struct EnvVar: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  public init(
    command: String, args: [String] = [], env: [EnvVar] = [], apiVersion: String = "client.authentication.k8s.io/v1",
    installHint: String? = nil, provideClusterInfo: Bool = false, baseDirectory: String? = nil
  ) {
    self.command = command
    self.args = args
    self.env = env
    self.apiVersion = apiVersion
    self.installHint = installHint
    self.provideClusterInfo = provideClusterInfo
    self.baseDirectory = baseDirectory
  }
}

/// What a request carries to authenticate, once exec plugins and token files are resolved.
public enum ResolvedCredentials: Sendable, Hashable {
  case none
  case bearerToken(String)
  case clientCertificate(certificatePEM: Data, keyPEM: Data)
}

/// Produces the credentials for each request. The REST client calls `current()` before a
/// request and `invalidate()` after a 401, then retries once with fresh credentials.
public protocol CredentialSource: Sendable {
  func current() async throws(KubeError) -> ResolvedCredentials
  func invalidate() async
  /// After a 401: forget `rejected` if it is still the current credential. Sources that can
  /// tell (exec plugins) ignore a stale rejection, so concurrent 401s for the same credential
  /// refresh it once. Defaults to `invalidate()`.
  func invalidate(rejected: ResolvedCredentials) async
}

extension CredentialSource {
  public func invalidate(rejected: ResolvedCredentials) async {
    await invalidate()
  }
}
