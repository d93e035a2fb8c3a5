import Foundation
import Kube
import Testing

@Suite struct KubeConfigWriterTests {
  func roundTrip(_ connection: ClusterConnection) throws -> (String, ClusterConnection) {
    let scratch = try KubeConfigScratch()
    let text = KubeConfigWriter.yaml(for: connection)
    let path = try scratch.write("written.yaml", text)
    return (text, try KubeConfigLoader(kubeconfig: path, environment: [:]).load().connection)
  }

  @Test func certificatesRoundTripAsInlineData() throws {
    let connection = ClusterConnection(
      server: "https://127.0.0.1:6443", certificateAuthorityPEM: Data(TestPEM.ca.utf8), tlsServerName: "kubesim",
      credentials: .clientCertificate(certificatePEM: Data(TestPEM.cert.utf8), keyPEM: Data(TestPEM.key.utf8)),
      namespace: "llm", contextName: "release-sim")
    let (text, loaded) = try roundTrip(connection)
    #expect(loaded == connection)
    #expect(text.contains("current-context: release-sim\n"))
    #expect(text.contains("certificate-authority-data: \(TestPEM.b64(TestPEM.ca))\n"))
    #expect(text.contains("client-key-data: \(TestPEM.b64(TestPEM.key))\n"))
  }

  @Test func tokenRoundTrips() throws {
    let connection = ClusterConnection(
      server: "https://127.0.0.1:6443", certificateAuthorityPEM: Data(TestPEM.ca.utf8), credentials: .token("sim-token"),
      contextName: "sim")
    let (text, loaded) = try roundTrip(connection)
    #expect(loaded == connection)
    #expect(text == """
      apiVersion: v1
      clusters:
      - cluster:
          certificate-authority-data: \(TestPEM.b64(TestPEM.ca))
          server: https://127.0.0.1:6443
        name: sim
      contexts:
      - context:
          cluster: sim
          namespace: default
          user: sim
        name: sim
      current-context: sim
      kind: Config
      preferences: {}
      users:
      - name: sim
        user:
          token: sim-token

      """)
  }

  @Test func execAndInsecureRoundTrip() throws {
    let exec = ExecCredentialConfig(
      command: "/usr/local/bin/get-token", args: ["--x"], env: [.init(name: "A", value: "1")],
      installHint: "install it", provideClusterInfo: true, baseDirectory: nil)
    let connection = ClusterConnection(
      server: "https://10.0.0.1", insecureSkipTLSVerify: true, credentials: .exec(exec), contextName: "e")
    let (_, loaded) = try roundTrip(connection)
    guard case .exec(let readBack) = loaded.credentials else {
      Issue.record("expected exec")
      return
    }
    #expect(readBack.command == exec.command)
    #expect(readBack.args == exec.args)
    #expect(readBack.env == exec.env)
    #expect(readBack.installHint == exec.installHint)
    #expect(readBack.provideClusterInfo)
    #expect(loaded.insecureSkipTLSVerify)
  }

  @Test func writesAFileOnlyTheOwnerCanRead() throws {
    let scratch = try KubeConfigScratch()
    let path = scratch.path("home/.kube/sim-config")
    let connection = ClusterConnection(server: "https://127.0.0.1:6443", credentials: .token("sim-token"), contextName: "sim")
    try KubeConfigWriter.write(connection, to: path)
    let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(permissions == 0o600)
    #expect(try KubeConfigLoader(kubeconfig: path, environment: [:]).load().connection == connection)
    try KubeConfigWriter.write(connection, to: path)
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("home/.kube")) == ["sim-config"])
  }
}
