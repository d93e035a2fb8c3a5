/// Credentials that never change: none, an inline token, or a client certificate.
public struct StaticCredentialSource: CredentialSource {
  public let credentials: ResolvedCredentials

  public init(_ credentials: ResolvedCredentials) {
    self.credentials = credentials
  }

  public func current() async throws(KubeError) -> ResolvedCredentials { credentials }
  public func invalidate() async {}
}
