import Foundation
import Kube
import Manifest
import Testing

/// Cross-checks against the real kubectl: it reads what the writer produces, it writes files
/// the loader reads, and it resolves a merged KUBECONFIG to the same context and server.
private let installedKubectl: String? = ["/usr/local/bin/kubectl", "/usr/bin/kubectl"]
  .first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite(.enabled(if: installedKubectl != nil, "kubectl not installed"))
struct KubeConfigKubectlTests {
  /// Runs kubectl with only the given environment, returning stdout; fails the test on a non-zero exit.
  func run(_ arguments: [String], environment: [String: String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(installedKubectl))
    process.arguments = arguments
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "kubectl \(arguments): \(String(decoding: errors, as: UTF8.self))")
    return String(decoding: data, as: UTF8.self)
  }

  @Test func kubectlReadsWhatTheWriterWrites() throws {
    let scratch = try KubeConfigScratch()
    let path = scratch.path("written")
    let connection = ClusterConnection(
      server: "https://127.0.0.1:6443", certificateAuthorityPEM: Data(TestPEM.ca.utf8),
      credentials: .clientCertificate(certificatePEM: Data(TestPEM.cert.utf8), keyPEM: Data(TestPEM.key.utf8)),
      namespace: "llm", contextName: "release-sim")
    try KubeConfigWriter.write(connection, to: path)
    let json = try run(["config", "view", "--raw", "--minify", "-o", "json", "--kubeconfig", path], environment: ["HOME": scratch.root])
    let view = try JSON.parse(json)
    #expect(view["current-context"] == "release-sim")
    #expect(view["clusters"]?.arrayValue?.first?[path: ["cluster", "server"]] == "https://127.0.0.1:6443")
    #expect(view["clusters"]?.arrayValue?.first?[path: ["cluster", "certificate-authority-data"]] == .string(TestPEM.b64(TestPEM.ca)))
    #expect(view["users"]?.arrayValue?.first?[path: ["user", "client-key-data"]] == .string(TestPEM.b64(TestPEM.key)))
    #expect(view["contexts"]?.arrayValue?.first?[path: ["context", "namespace"]] == "llm")
  }

  @Test func loaderReadsWhatKubectlWrites() throws {
    let scratch = try KubeConfigScratch()
    try scratch.write("pki/ca.crt", TestPEM.ca)
    try scratch.write("pki/client.crt", TestPEM.cert)
    try scratch.write("pki/client.key", TestPEM.key)
    let path = scratch.path("kubectl-made")
    let env = ["HOME": scratch.root]
    _ = try run(["config", "set-cluster", "c", "--server=https://10.1.2.3:6443", "--certificate-authority=\(scratch.path("pki/ca.crt"))", "--embed-certs", "--kubeconfig", path], environment: env)
    _ = try run(["config", "set-credentials", "u", "--client-certificate=\(scratch.path("pki/client.crt"))", "--client-key=\(scratch.path("pki/client.key"))", "--embed-certs", "--kubeconfig", path], environment: env)
    _ = try run(["config", "set-credentials", "e", "--exec-command=get-token", "--exec-api-version=client.authentication.k8s.io/v1", "--exec-arg=--region", "--exec-arg=eu", "--exec-env=A=1", "--exec-interactive-mode=Never", "--kubeconfig", path], environment: env)
    _ = try run(["config", "set-context", "k", "--cluster=c", "--user=u", "--namespace=team", "--kubeconfig", path], environment: env)
    _ = try run(["config", "set-context", "x", "--cluster=c", "--user=e", "--kubeconfig", path], environment: env)
    _ = try run(["config", "use-context", "k", "--kubeconfig", path], environment: env)

    let loaded = try KubeConfigLoader(kubeconfig: path, environment: env).load().connection
    #expect(loaded.server == "https://10.1.2.3:6443")
    #expect(loaded.certificateAuthorityPEM == Data(TestPEM.ca.utf8))
    #expect(loaded.credentials == .clientCertificate(certificatePEM: Data(TestPEM.cert.utf8), keyPEM: Data(TestPEM.key.utf8)))
    #expect(loaded.namespace == "team")

    let exec = try KubeConfigLoader(kubeconfig: path, context: "x", environment: env).load().connection
    #expect(
      exec.credentials
        == .exec(ExecCredentialConfig(
          command: "get-token", args: ["--region", "eu"], env: [.init(name: "A", value: "1")],
          apiVersion: "client.authentication.k8s.io/v1", baseDirectory: scratch.root)))
  }

  @Test func mergedKubeconfigResolvesLikeKubectl() throws {
    let scratch = try KubeConfigScratch()
    let a = try scratch.write("a.yaml", KubeConfigLoaderTests.fileA)
    let b = try scratch.write("b.yaml", KubeConfigLoaderTests.fileB)
    let c = try scratch.write("c.yaml", KubeConfigLoaderTests.fileC)
    for order in [[a, b, c], [c, b, a], [b, a]] {
      let env = ["HOME": scratch.root, "KUBECONFIG": order.joined(separator: ":")]
      let view = try JSON.parse(try run(["config", "view", "--minify", "-o", "json"], environment: env))
      let ours = try KubeConfigLoader(environment: env).load().connection
      #expect(view["current-context"]?.stringValue == ours.contextName, "KUBECONFIG order \(order)")
      #expect(view["clusters"]?.arrayValue?.first?[path: ["cluster", "server"]]?.stringValue == ours.server, "KUBECONFIG order \(order)")
    }
  }
}
