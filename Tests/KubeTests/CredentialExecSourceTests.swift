import Foundation
import Kube
import Testing

/// Exec plugins run as real processes: small shell scripts that print an ExecCredential and
/// append a line to a counter file on every run, so caching and refresh are observable.
@Suite struct CredentialExecSourceTests {
  static let v1 = "client.authentication.k8s.io/v1"

  /// Prints a token numbered by how many times the plugin has run, expiring at $EXPIRES.
  static let countingPlugin = """
    #!/bin/sh
    echo run >> "$COUNT_FILE"
    n=$(wc -l < "$COUNT_FILE" | tr -d ' ')
    if [ -n "$EXPIRES" ]; then
      expiry=",\\"expirationTimestamp\\":\\"$EXPIRES\\""
    fi
    printf '{"kind":"ExecCredential","apiVersion":"%s","status":{"token":"plugin-token-%s"%s}}\\n' "${API_VERSION:-client.authentication.k8s.io/v1}" "$n" "$expiry"
    """

  struct Fixture {
    let scratch: KubeConfigScratch
    let clock = CredentialTestClock()
    let plugin: String

    init(script: String = CredentialExecSourceTests.countingPlugin) throws {
      scratch = try KubeConfigScratch()
      plugin = try scratch.write("bin/get-token", script, executable: true)
    }

    var runs: Int { scratch.count("runs") }

    func source(
      env: [ExecCredentialConfig.EnvVar] = [], apiVersion: String = CredentialExecSourceTests.v1,
      args: [String] = [], provideClusterInfo: Bool = false, command: String? = nil, installHint: String? = nil,
      cluster: ClusterConnection? = nil
    ) -> ExecCredentialSource {
      let config = ExecCredentialConfig(
        command: command ?? plugin, args: args,
        env: [.init(name: "COUNT_FILE", value: scratch.path("runs"))] + env,
        apiVersion: apiVersion, installHint: installHint, provideClusterInfo: provideClusterInfo,
        baseDirectory: scratch.root)
      return ExecCredentialSource(
        config: config, cluster: cluster ?? ClusterConnection(server: "https://k.example:6443", contextName: "prod"),
        environment: ["PATH": "/usr/bin:/bin"], now: clock.closure)
    }

    func rfc3339(afterSeconds seconds: TimeInterval) -> String {
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = [.withInternetDateTime]
      return formatter.string(from: clock.now.addingTimeInterval(seconds))
    }
  }

  @Test func cachesTheCredentialWithoutExpiry() async throws {
    let fixture = try Fixture()
    let source = fixture.source()
    for _ in 0..<3 { #expect(try await source.current() == .bearerToken("plugin-token-1")) }
    fixture.clock.advance(seconds: 10 * 365 * 86_400)
    #expect(try await source.current() == .bearerToken("plugin-token-1"))
    #expect(fixture.runs == 1)
  }

  @Test func invalidateRunsThePluginAgain() async throws {
    let fixture = try Fixture()
    let source = fixture.source()
    #expect(try await source.current() == .bearerToken("plugin-token-1"))
    await source.invalidate()
    #expect(try await source.current() == .bearerToken("plugin-token-2"))
    #expect(try await source.current() == .bearerToken("plugin-token-2"))
    #expect(fixture.runs == 2)
  }

  @Test func aStaleRejectionDoesNotRunThePluginAgain() async throws {
    let fixture = try Fixture()
    let source = fixture.source()
    let first = try await source.current()
    await source.invalidate(rejected: first)
    let second = try await source.current()
    #expect(second == .bearerToken("plugin-token-2"))
    // A request that was still using the first token reports its 401 late.
    await source.invalidate(rejected: first)
    #expect(try await source.current() == second)
    #expect(fixture.runs == 2)
  }

  @Test func aBurstOf401sForOneTokenRefreshesOnce() async throws {
    let fixture = try Fixture()
    let source = fixture.source()
    let rejected = try await source.current()
    let tokens = try await withThrowingTaskGroup(of: ResolvedCredentials.self) { group in
      for _ in 0..<6 {
        group.addTask {
          await source.invalidate(rejected: rejected)
          return try await source.current()
        }
      }
      return try await group.reduce(into: [ResolvedCredentials]()) { $0.append($1) }
    }
    #expect(Set(tokens) == [.bearerToken("plugin-token-2")])
    #expect(fixture.runs == 2)
  }

  @Test func refreshesAtExpirationTimestamp() async throws {
    let fixture = try Fixture()
    let source = fixture.source(env: [.init(name: "EXPIRES", value: fixture.rfc3339(afterSeconds: 3600))])
    #expect(try await source.current() == .bearerToken("plugin-token-1"))
    fixture.clock.advance(seconds: 3599)
    #expect(try await source.current() == .bearerToken("plugin-token-1"))
    #expect(fixture.runs == 1)
    fixture.clock.advance(seconds: 1)
    #expect(try await source.current() == .bearerToken("plugin-token-2"))
    #expect(fixture.runs == 2)
  }

  @Test func fractionalSecondExpiryIsAccepted() async throws {
    let fixture = try Fixture()
    let source = fixture.source(env: [.init(name: "EXPIRES", value: "2027-01-15T08:00:30.250Z")])
    #expect(try await source.current() == .bearerToken("plugin-token-1"))
    fixture.clock.advance(seconds: 31)
    #expect(try await source.current() == .bearerToken("plugin-token-2"))
  }

  @Test func concurrentCallersShareOneRun() async throws {
    let fixture = try Fixture()
    let source = fixture.source()
    let tokens = try await withThrowingTaskGroup(of: ResolvedCredentials.self) { group in
      for _ in 0..<8 { group.addTask { try await source.current() } }
      return try await group.reduce(into: [ResolvedCredentials]()) { $0.append($1) }
    }
    #expect(Set(tokens) == [.bearerToken("plugin-token-1")])
    #expect(fixture.runs == 1)
  }

  @Test func v1beta1PluginsAreSupported() async throws {
    let fixture = try Fixture()
    let beta = "client.authentication.k8s.io/v1beta1"
    let source = fixture.source(env: [.init(name: "API_VERSION", value: beta)], apiVersion: beta)
    #expect(try await source.current() == .bearerToken("plugin-token-1"))
  }

  @Test func wrongAPIVersionIsAnError() async throws {
    let fixture = try Fixture()
    let source = fixture.source(env: [.init(name: "API_VERSION", value: "client.authentication.k8s.io/v1beta1")])
    let message = try #require(await thrownKubeError { () async throws(KubeError) in try await source.current() }?.configurationMessage)
    #expect(message.contains("is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1"))
    #expect(!message.contains("plugin-token"))
  }

  @Test func passesArgsEnvAndExecInfo() async throws {
    let script = """
      #!/bin/sh
      printf '%s\\n' "$@" > "$OUT_DIR/args"
      printf '%s' "$KUBERNETES_EXEC_INFO" > "$OUT_DIR/info"
      printf '%s' "$FROM_CONFIG" > "$OUT_DIR/env"
      echo '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t"}}'
      """
    let fixture = try Fixture(script: script)
    let out = fixture.scratch.path("")
    let cluster = ClusterConnection(
      server: "https://k.example:6443", certificateAuthorityPEM: Data(TestPEM.ca.utf8), tlsServerName: "api.internal",
      contextName: "prod")
    let source = fixture.source(
      env: [.init(name: "OUT_DIR", value: out), .init(name: "FROM_CONFIG", value: "yes")],
      args: ["--cluster", "prod cluster"], provideClusterInfo: true, cluster: cluster)
    #expect(try await source.current() == .bearerToken("t"))
    #expect(fixture.scratch.read("args") == "--cluster\nprod cluster\n")
    #expect(fixture.scratch.read("env") == "yes")
    let info = try JSONSerialization.jsonObject(with: Data((fixture.scratch.read("info") ?? "").utf8)) as? [String: Any]
    #expect(info?["kind"] as? String == "ExecCredential")
    #expect(info?["apiVersion"] as? String == Self.v1)
    let spec = try #require(info?["spec"] as? [String: Any])
    #expect(spec["interactive"] as? Bool == false)
    let clusterInfo = try #require(spec["cluster"] as? [String: Any])
    #expect(clusterInfo["server"] as? String == "https://k.example:6443")
    #expect(clusterInfo["tls-server-name"] as? String == "api.internal")
    #expect(clusterInfo["certificate-authority-data"] as? String == TestPEM.b64(TestPEM.ca))

    let withoutCluster = fixture.source(env: [.init(name: "OUT_DIR", value: out)], cluster: cluster)
    _ = try await withoutCluster.current()
    let bare = try JSONSerialization.jsonObject(with: Data((fixture.scratch.read("info") ?? "").utf8)) as? [String: Any]
    let bareSpec = try #require(bare?["spec"] as? [String: Any])
    #expect(bareSpec["cluster"] == nil)
    #expect(bareSpec["interactive"] as? Bool == false)
  }

  @Test func relativeCommandResolvesAgainstBaseDirectoryAndBareNamesUsePath() async throws {
    let fixture = try Fixture()
    #expect(try await fixture.source(command: "./bin/get-token").current() == .bearerToken("plugin-token-1"))
    let config = ExecCredentialConfig(
      command: "get-token", env: [.init(name: "COUNT_FILE", value: fixture.scratch.path("runs"))], apiVersion: Self.v1)
    let onPath = ExecCredentialSource(config: config, environment: ["PATH": "/nonexistent:\(fixture.scratch.path("bin")):/usr/bin:/bin"])
    #expect(try await onPath.current() == .bearerToken("plugin-token-2"))
  }

  @Test func clientCertificateOutput() async throws {
    let escapedCert = TestPEM.cert.replacingOccurrences(of: "\n", with: "\\\\n")
    let escapedKey = TestPEM.key.replacingOccurrences(of: "\n", with: "\\\\n")
    let script = """
      #!/bin/sh
      printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"clientCertificateData":"\(escapedCert)","clientKeyData":"\(escapedKey)"}}'
      """
    let fixture = try Fixture(script: script)
    #expect(
      try await fixture.source().current()
        == .clientCertificate(certificatePEM: Data(TestPEM.cert.utf8), keyPEM: Data(TestPEM.key.utf8)))
  }

  @Test func missingPluginShowsInstallHint() async throws {
    let fixture = try Fixture()
    let source = fixture.source(command: "no-such-plugin-xyz", installHint: "Install it with: brew install no-such-plugin-xyz")
    let message = try #require(await thrownKubeError { () async throws(KubeError) in try await source.current() }?.configurationMessage)
    #expect(message.contains("exec plugin \"no-such-plugin-xyz\" (context prod): executable no-such-plugin-xyz not found in PATH"))
    #expect(message.hasSuffix("Install it with: brew install no-such-plugin-xyz"))
  }

  @Test func failingPluginReportsStderrButNeverStdout() async throws {
    let script = """
      #!/bin/sh
      echo '{"status":{"token":"half-printed-secret-token"}}'
      echo '   error: refresh token expired, run login   ' >&2
      exit 3
      """
    let fixture = try Fixture(script: script)
    let source = fixture.source()
    let error = try #require(await thrownKubeError { () async throws(KubeError) in try await source.current() })
    #expect(error.configurationMessage?.hasSuffix("failed with exit code 3: error: refresh token expired, run login") == true)
    #expect(!error.description.contains("half-printed-secret-token"))
  }

  @Test func malformedOutputIsReportedWithoutItsContent() async throws {
    let fixture = try Fixture(script: "#!/bin/sh\necho 'token=leaky-secret-token-value'\n")
    let error = try #require(await thrownKubeError { () async throws(KubeError) in try await fixture.source().current() })
    #expect(error.configurationMessage?.contains("output is not valid JSON") == true)
    #expect(!error.description.contains("leaky-secret-token-value"))

    let notACredential = try Fixture(script: "#!/bin/sh\necho '{\"kind\":\"leaky-secret-token-value\"}'\n")
    let second = try #require(await thrownKubeError { () async throws(KubeError) in try await notACredential.source().current() })
    #expect(second.configurationMessage?.contains("is not an ExecCredential") == true)
    #expect(!second.description.contains("leaky-secret-token-value"))

    let noToken = try Fixture(script: "#!/bin/sh\necho '{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{}}'\n")
    let third = try #require(await thrownKubeError { () async throws(KubeError) in try await noToken.source().current() })
    #expect(third.configurationMessage?.hasSuffix("didn't return a token or cert/key pair") == true)
  }

  @Test func aFailureIsNotCachedSoTheNextCallRetries() async throws {
    let script = """
      #!/bin/sh
      echo run >> "$COUNT_FILE"
      if [ "$(wc -l < "$COUNT_FILE" | tr -d ' ')" = 1 ]; then echo 'first run fails' >&2; exit 1; fi
      echo '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"second"}}'
      """
    let fixture = try Fixture(script: script)
    let source = fixture.source()
    #expect(await thrownKubeError { () async throws(KubeError) in try await source.current() } != nil)
    #expect(try await source.current() == .bearerToken("second"))
    #expect(fixture.runs == 2)
  }
}
