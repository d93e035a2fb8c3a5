import EnvironmentRepo
import Foundation
import Kube
import ReleaseKit
import Testing

/// release.yaml's cluster and the global --kubeconfig/--context, resolved in process.
@Suite struct ClusterConnectorTests {
  static func kubeconfig(insecure: Bool) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)").path
    let text = """
      apiVersion: v1
      kind: Config
      clusters:
      - name: prod
        cluster: {server: "https://127.0.0.1:6443"\(insecure ? ", insecure-skip-tls-verify: true" : "")}
      users:
      - name: admin
        user: {token: not-a-real-token}
      contexts:
      - name: prod-us
        context: {cluster: prod, user: admin, namespace: llm-prod}
      current-context: prod-us
      """
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static let repository = EnvironmentRepository(root: FileManager.default.temporaryDirectory.path)

  @Test func aKubeconfigContextResolvesAndItsWarningsAreKept() throws {
    let path = try Self.kubeconfig(insecure: true)
    let session = try ClusterConnector(environment: ["HOME": "/nonexistent"])
      .connect(EnvironmentConfig(cluster: .kubeconfig(context: "prod-us", path: path)), repository: Self.repository)
    #expect(session.label == "context prod-us (https://127.0.0.1:6443)")
    #expect(session.warnings.contains { $0.contains("insecure-skip-tls-verify") || $0.contains("TLS") }, "\(session.warnings)")
  }

  @Test func theGlobalFlagsOverrideAnEmbeddedCluster() throws {
    let path = try Self.kubeconfig(insecure: false)
    let session = try ClusterConnector(kubeconfig: path, environment: ["HOME": "/nonexistent"])
      .connect(EnvironmentConfig(cluster: .embedded(name: nil, scenario: nil)), repository: Self.repository)
    #expect(session.label.hasPrefix("context prod-us"))
    #expect(session.warnings.isEmpty)
  }

  @Test func anUnknownContextOrMissingFileIsBadInputNamingIt() throws {
    let path = try Self.kubeconfig(insecure: false)
    do {
      _ = try ClusterConnector(environment: ["HOME": "/nonexistent"])
        .connect(EnvironmentConfig(cluster: .kubeconfig(context: "prod-eu", path: path)), repository: Self.repository)
      Issue.record("an unknown context connected")
    } catch {
      #expect(error.exit == .badInput)
      #expect(error.message.contains("prod-eu"), "\(error.message)")
    }
    do {
      _ = try ClusterConnector(kubeconfig: "/nonexistent/config", environment: [:])
        .connect(EnvironmentConfig(cluster: .embedded(name: nil, scenario: nil)), repository: Self.repository)
      Issue.record("a missing kubeconfig connected")
    } catch {
      #expect(error.exit == .badInput)
      #expect(error.message.contains("/nonexistent/config"), "\(error.message)")
    }
  }
}
