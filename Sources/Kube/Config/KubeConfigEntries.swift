public import Foundation

/// One `clusters[]` entry as written, with relative paths already resolved against the
/// directory of the file that defined it (client-go's ResolveLocalPaths).
public struct KubeConfigCluster: Sendable, Hashable {
  /// The file that defined the entry: with the merge rule, the first file naming it.
  public var file: String
  /// `clusters[name=prod].cluster`, for messages.
  public var field: String
  public var server: String?
  public var tlsServerName: String?
  public var insecureSkipTLSVerify: Bool
  public var certificateAuthority: String?
  public var certificateAuthorityData: Data?
  public var proxyURL: String?
}

/// One `users[]` entry. Unsupported methods are remembered (not their values) so that the
/// error appears only when a context actually uses the user, as kubectl behaves.
public struct KubeConfigUser: Sendable, Hashable {
  public var file: String
  public var field: String
  public var token: String?
  public var tokenFile: String?
  public var clientCertificate: String?
  public var clientCertificateData: Data?
  public var clientKey: String?
  public var clientKeyData: Data?
  public var exec: ExecCredentialConfig?
  /// `exec.interactiveMode` as written: `Never`, `IfAvailable` or `Always`.
  public var execInteractiveMode: String?
  public var hasBasicAuth: Bool
  public var authProviderName: String?
  /// Impersonation fields that were set (`as`, `as-groups` …).
  public var impersonationFields: [String]
}

/// One `contexts[]` entry.
public struct KubeConfigContext: Sendable, Hashable {
  public var file: String
  public var field: String
  public var cluster: String
  public var user: String
  public var namespace: String?
}

extension KubeConfigUser: CustomStringConvertible {
  /// Never shows secrets: only which kinds of credential are present.
  public var description: String {
    var kinds: [String] = []
    if token != nil { kinds.append("token") }
    if tokenFile != nil { kinds.append("tokenFile") }
    if clientCertificate != nil || clientCertificateData != nil { kinds.append("client-certificate") }
    if exec != nil { kinds.append("exec") }
    return "\(field) in \(file) [\(kinds.joined(separator: ", "))]"
  }
}
