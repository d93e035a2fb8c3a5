public import Foundation

/// The credential source for a connection: static for none/token/certificate, a re-reading
/// source for a token file, and a caching plugin runner for exec.
/// - Parameters:
///   - environment: the exec plugin's base environment and PATH.
///   - now: the clock for exec credential expiry and token file refresh.
public func credentialSource(
  for connection: ClusterConnection,
  environment: [String: String] = ProcessInfo.processInfo.environment,
  now: @escaping @Sendable () -> Date = { Date() }
) -> any CredentialSource {
  switch connection.credentials {
  case .none:
    return StaticCredentialSource(.none)
  case .token(let token):
    return StaticCredentialSource(.bearerToken(token))
  case .clientCertificate(let certificate, let key):
    return StaticCredentialSource(.clientCertificate(certificatePEM: certificate, keyPEM: key))
  case .tokenFile(let path):
    return TokenFileCredentialSource(path: path, now: now)
  case .exec(let config):
    return ExecCredentialSource(config: config, cluster: connection, environment: environment, now: now)
  }
}
