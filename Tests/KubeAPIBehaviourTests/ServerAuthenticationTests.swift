import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

/// How the REST client proves who it is to KubeSimServer, and what it trusts.
@Suite("REST client authentication and TLS")
struct ServerAuthenticationTests {
  static func served() async throws -> (KubeSimServer, ServerEndpoint) {
    let server = KubeSimServer(sim: KubeSim(scenario: Fixtures.scenario()), options: ServerOptions(tls: true))
    return (server, try await server.start())
  }

  @Test func authenticatesWithAClientCertificateFromTheConnection() async throws {
    let (server, endpoint) = try await Self.served()
    let certificate = Data((endpoint.clientCertificatePEM ?? "").utf8)
    let key = Data((endpoint.clientKeyPEM ?? "").utf8)
    let client = try RESTClient(
      connection: endpoint.connection(credentials: .clientCertificate(certificatePEM: certificate, keyPEM: key)))
    let nodes = try await client.list(GroupVersionKind(group: "", version: "v1", kind: "Node"))
    #expect(nodes.items.compactMap(\.name) == ["gpu-1", "gpu-2", "gpu-3"])
    client.closeIdleConnections()
    await server.shutdown()
  }

  @Test func aRejectedTokenIsRenewedOnceThenReported() async throws {
    let (server, endpoint) = try await Self.served()
    let client = try RESTClient(connection: endpoint.connection(credentials: .token("not-the-token")))
    let error = await #expect(throws: KubeError.self) { try await client.discovery() }
    #expect(error?.code == 401)
    #expect(error?.reason == .unauthorized)
    #expect(!"\(error!)".contains("not-the-token"))
    client.closeIdleConnections()
    await server.shutdown()
  }

  @Test func verifiesTheServerAgainstTheTLSServerName() async throws {
    let (server, endpoint) = try await Self.served()
    var connection = endpoint.connection()
    connection.tlsServerName = "localhost"
    #expect(try await RESTClient(connection: connection).discovery().contains { $0.kind == "Deployment" })
    connection.tlsServerName = "kube.example.com"
    let error = await #expect(throws: KubeError.self) { try await RESTClient(connection: connection).discovery() }
    guard case .transport = error else {
      Issue.record("expected a TLS failure, got \(String(describing: error))")
      return
    }
    await server.shutdown()
  }

  @Test func refusesAServerItDoesNotTrustUnlessToldToSkipVerification() async throws {
    let (server, endpoint) = try await Self.served()
    var connection = endpoint.connection()
    connection.certificateAuthorityPEM = nil
    let error = await #expect(throws: KubeError.self) { try await RESTClient(connection: connection).discovery() }
    guard case .transport = error else {
      Issue.record("expected a TLS failure, got \(String(describing: error))")
      return
    }
    connection.insecureSkipTLSVerify = true
    #expect(try await !RESTClient(connection: connection).discovery().isEmpty)
    await server.shutdown()
  }
}
