import Foundation
import Kube
import KubeTestSupport
import Manifest
import Synchronization

/// A CA, a server certificate valid only for `kube.test`, and a client certificate for
/// `alice`, made once per test run with the openssl CLI.
struct TestPKI: Sendable {
  let directory: String
  var caPEM: Data { read("ca.crt") }
  var clientCertificatePEM: Data { read("client.crt") }
  var clientKeyPEM: Data { read("client.key") }
  var serverFiles: StubServer.TLSFiles {
    .init(certificate: "\(directory)/server.crt", key: "\(directory)/server.key", clientCA: "\(directory)/ca.crt")
  }

  func read(_ name: String) -> Data { FileManager.default.contents(atPath: "\(directory)/\(name)") ?? Data() }

  /// Made off the cooperative pool: openssl runs as a child process we wait for.
  static func load() async -> TestPKI {
    await withCheckedContinuation { continuation in
      Thread { continuation.resume(returning: TestPKI.shared) }.start()
    }
  }

  private static let shared: TestPKI = {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pki-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    let script = """
      set -e
      cd '\(directory)'
      openssl req -x509 \(key) -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca 2>/dev/null
      printf 'subjectAltName=DNS:kube.test\\nextendedKeyUsage=serverAuth\\n' > server.ext
      openssl req \(key) -keyout server.key -out server.csr -subj /CN=kube.test 2>/dev/null
      openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext 2>/dev/null
      printf 'extendedKeyUsage=clientAuth\\n' > client.ext
      openssl req \(key) -keyout client.key -out client.csr -subj /CN=alice 2>/dev/null
      openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 -extfile client.ext 2>/dev/null
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    try? process.run()
    process.waitUntilExit()
    return TestPKI(directory: directory)
  }()
}


struct StaticCredentials: CredentialSource {
  var value: ResolvedCredentials
  func current() async throws(KubeError) -> ResolvedCredentials { value }
  func invalidate() async {}
}

/// Hands out the next token after each invalidation, as a rotated service-account token or
/// a re-run exec plugin would.
actor RotatingTokens: CredentialSource {
  private var tokens: [String]
  private(set) var invalidations = 0

  init(_ tokens: [String]) { self.tokens = tokens }

  func current() async throws(KubeError) -> ResolvedCredentials {
    .bearerToken(tokens[min(invalidations, tokens.count - 1)])
  }
  func invalidate() async { invalidations += 1 }
}

enum RESTFixtures {
  static let podGVK = GroupVersionKind(group: "", version: "v1", kind: "Pod")
  static let deploymentGVK = GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")

  /// Discovery documents for the groups the tests touch, built from the builtin table.
  static func discoveryRoutes() -> [Value] {
    func list(_ group: String, _ version: String) -> Value {
      var resources: [Value] = []
      for info in BuiltinResources.all where info.group == group && info.version == version {
        resources.append([
          "name": .string(info.resource), "singularName": "", "namespaced": .bool(info.namespaced),
          "kind": .string(info.kind), "verbs": .array(info.verbs.map { .string($0) }),
        ])
        for sub in info.subresources {
          resources.append([
            "name": .string("\(info.resource)/\(sub)"), "namespaced": .bool(info.namespaced),
            "kind": .string(info.kind),
            "verbs": ["get", "update", "patch"],
          ])
        }
      }
      let gv = group.isEmpty ? version : "\(group)/\(version)"
      return [
        "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(gv), "resources": .array(resources),
      ]
    }
    return [
      StubServer.route("GET", "/api", [StubServer.reply(200, ["kind": "APIVersions", "versions": ["v1"]])]),
      StubServer.route(
        "GET", "/apis",
        [
          StubServer.reply(
            200,
            [
              "kind": "APIGroupList", "apiVersion": "v1",
              "groups": [
                ["name": "apps", "versions": [["groupVersion": "apps/v1", "version": "v1"]]],
                ["name": "policy", "versions": [["groupVersion": "policy/v1", "version": "v1"]]],
              ],
            ])
        ]),
      StubServer.route("GET", "/api/v1", [StubServer.reply(200, list("", "v1"))]),
      StubServer.route("GET", "/apis/apps/v1", [StubServer.reply(200, list("apps", "v1"))]),
      StubServer.route("GET", "/apis/policy/v1", [StubServer.reply(200, list("policy", "v1"))]),
    ]
  }

  static func pod(_ name: String, namespace: String = "default", resourceVersion: String = "1") -> Value {
    [
      "apiVersion": "v1", "kind": "Pod",
      "metadata": [
        "name": .string(name), "namespace": .string(namespace), "resourceVersion": .string(resourceVersion),
      ],
    ]
  }

  static func status(_ code: Int, _ reason: String, _ message: String, details: Value? = nil) -> Value {
    var status: Value = [
      "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": .string(message),
      "reason": .string(reason), "code": .int(Int64(code)),
    ]
    if let details { status["details"] = details }
    return status
  }

  static func client(
    _ server: StubServer, credentials: any CredentialSource = StaticCredentials(value: .bearerToken("s3cr3t-token")),
    clock: RecordingClock = RecordingClock(), retry: RetryPolicy = RetryPolicy(), namespace: String = "default"
  ) throws -> RESTClient {
    try RESTClient(
      connection: ClusterConnection(server: server.url, namespace: namespace, contextName: "stub"),
      credentials: credentials, retry: retry, clock: clock)
  }
}
