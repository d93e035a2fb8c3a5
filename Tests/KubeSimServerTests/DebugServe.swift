import Foundation
import KubeSim
import KubeSimServer
import Testing

@Suite struct DebugServe {
  @Test(.enabled(if: ProcessInfo.processInfo.environment["KUBESIM_DEBUG_SERVE"] != nil)) func serve() async throws {
    let tls = ProcessInfo.processInfo.environment["KUBESIM_DEBUG_SERVE"] == "tls"
    let server = KubeSimServer(sim: KubeSim(scenario: ServerFixtures.scenario()), options: ServerOptions(tls: tls, port: 18443, speed: 50, anonymousUser: tls ? nil : ServerOptions.admin))
    let endpoint = try await server.start()
    try Kubeconfig.yaml(for: endpoint, credential: tls ? .clientCertificate : .adminToken, namespace: "llm").write(toFile: "/tmp/kubesim-debug.kubeconfig", atomically: true, encoding: .utf8)
    print("serving \(endpoint.url)")
    try await Task.sleep(for: .seconds(Double(ProcessInfo.processInfo.environment["KUBESIM_DEBUG_SECONDS"] ?? "60") ?? 60))
    await server.shutdown()
  }
}
