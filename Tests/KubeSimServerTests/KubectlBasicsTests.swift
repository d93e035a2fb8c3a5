import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

@Suite("kubectl against KubeSimServer: discovery and authentication")
struct KubectlBasicsTests {
  @Test func getNodesOverHTTPWithToken() async throws {
    try await ServerFixtures.withServer(tls: false) { _, _, kubectl in
      let result = try await kubectl("get", "nodes")
      #expect(result.status == 0, "\(result.output)")
      #expect(result.stdout.contains("NAME"))
      #expect(result.stdout.contains("STATUS"))
      #expect(result.stdout.contains("gpu-2"))
    }
  }
}
