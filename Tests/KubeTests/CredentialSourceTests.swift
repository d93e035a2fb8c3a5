import Foundation
import Kube
import Testing

/// Static and token-file sources, and the factory that picks a source for a connection.
@Suite struct CredentialSourceTests {
  @Test func factoryPicksTheSourceForEachCredentialKind() async throws {
    let scratch = try KubeConfigScratch()
    let tokenPath = try scratch.write("token", "file-token\n")
    func resolved(_ credentials: Credentials) async throws -> ResolvedCredentials {
      let connection = ClusterConnection(server: "https://k", credentials: credentials, contextName: "c")
      return try await credentialSource(for: connection, environment: [:]).current()
    }
    #expect(try await resolved(.none) == .none)
    #expect(try await resolved(.token("inline")) == .bearerToken("inline"))
    #expect(try await resolved(.tokenFile(tokenPath)) == .bearerToken("file-token"))
    let pair = Credentials.clientCertificate(certificatePEM: Data(TestPEM.cert.utf8), keyPEM: Data(TestPEM.key.utf8))
    #expect(try await resolved(pair) == .clientCertificate(certificatePEM: Data(TestPEM.cert.utf8), keyPEM: Data(TestPEM.key.utf8)))
    let exec = ClusterConnection(
      server: "https://k", credentials: .exec(ExecCredentialConfig(command: "x")), contextName: "c")
    #expect(credentialSource(for: exec) is ExecCredentialSource)
  }

  @Test func staticSourceIgnoresInvalidate() async throws {
    let source = StaticCredentialSource(.bearerToken("t"))
    await source.invalidate()
    #expect(try await source.current() == .bearerToken("t"))
  }

  @Test func tokenFileIsReReadAfterInvalidate() async throws {
    let scratch = try KubeConfigScratch()
    let path = try scratch.write("token", "first\n")
    let clock = CredentialTestClock()
    let source = TokenFileCredentialSource(path: path, now: clock.closure)
    #expect(try await source.current() == .bearerToken("first"))
    try scratch.write("token", "rotated")
    // Within the refresh interval the cached token is used, as client-go does.
    #expect(try await source.current() == .bearerToken("first"))
    await source.invalidate()
    #expect(try await source.current() == .bearerToken("rotated"))
  }

  @Test func tokenFileIgnoresARejectionOfAnOlderToken() async throws {
    let scratch = try KubeConfigScratch()
    let path = try scratch.write("token", "first")
    let source = TokenFileCredentialSource(path: path, now: CredentialTestClock().closure)
    #expect(try await source.current() == .bearerToken("first"))
    try scratch.write("token", "second")
    await source.invalidate(rejected: .bearerToken("older"))
    #expect(try await source.current() == .bearerToken("first"))
    await source.invalidate(rejected: .bearerToken("first"))
    #expect(try await source.current() == .bearerToken("second"))
  }

  @Test func protocolDefaultForRejectionInvalidates() async throws {
    let source = StaticCredentialSource(.bearerToken("t"))
    await source.invalidate(rejected: .bearerToken("t"))
    #expect(try await source.current() == .bearerToken("t"))
  }

  @Test func tokenFileIsReReadAfterTheRefreshInterval() async throws {
    let scratch = try KubeConfigScratch()
    let path = try scratch.write("token", "first")
    let clock = CredentialTestClock()
    let source = TokenFileCredentialSource(path: path, refreshInterval: .seconds(60), now: clock.closure)
    #expect(try await source.current() == .bearerToken("first"))
    try scratch.write("token", "second")
    clock.advance(seconds: 59)
    #expect(try await source.current() == .bearerToken("first"))
    clock.advance(seconds: 1)
    #expect(try await source.current() == .bearerToken("second"))
  }

  @Test func keepsTheLastGoodTokenWhenARereadFails() async throws {
    let scratch = try KubeConfigScratch()
    let path = try scratch.write("token", "good")
    let source = TokenFileCredentialSource(path: path)
    #expect(try await source.current() == .bearerToken("good"))
    try FileManager.default.removeItem(atPath: path)
    await source.invalidate()
    #expect(try await source.current() == .bearerToken("good"))
  }

  @Test func unreadableOrEmptyTokenFileIsAnErrorNamingThePath() async throws {
    let scratch = try KubeConfigScratch()
    let missing = scratch.path("missing")
    let error = await thrownKubeError { () async throws(KubeError) in try await TokenFileCredentialSource(path: missing).current() }
    #expect(error?.configurationMessage?.hasPrefix("cannot read token file \(missing)") == true)
    let empty = try scratch.write("empty", "\n")
    let emptyError = await thrownKubeError { () async throws(KubeError) in try await TokenFileCredentialSource(path: empty).current() }
    #expect(emptyError?.configurationMessage == "token file \(empty) is empty")
  }
}
