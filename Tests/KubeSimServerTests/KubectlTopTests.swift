import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

/// `kubectl top` finds `metrics.k8s.io` in discovery, as it finds metrics-server's aggregated
/// API in a real cluster, and reads the kubelet model's usage: a running container uses what
/// its image behaviour says, else what it requested.
@Suite("kubectl top against KubeSimServer")
struct KubectlTopTests {
  static func scenario() -> Scenario {
    var scenario = ServerFixtures.scenario()
    scenario.images = [
      Scenario.ImageRule(image: "vllm/vllm-openai:v0.6.0", behaviour: Scenario.ImageBehaviour(metrics: ["cpuCores": 2.5, "memoryBytes": 20 * 1_073_741_824]))
    ]
    return scenario
  }

  @Test func topShowsPodAndNodeUsage() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, scenario: Self.scenario()) { server, _, kubectl in
      let app = ServerFixtures.app(replicas: 2)
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("app.yaml", app))
      let sidecar = """
        apiVersion: v1
        kind: Pod
        metadata: {name: proxy, namespace: llm, labels: {app: proxy}}
        spec:
          containers:
          - name: envoy
            image: envoyproxy/envoy:v1.31
            resources:
              requests: {cpu: 250m, memory: 128Mi}
        """
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("proxy.yaml", sidecar))
      let running = try await eventually {
        try await ServerFixtures.pods(server.sim).filter { $0[path: ["status", "phase"]] == "Running" }.count == 3
      }
      #expect(running)

      let pods = try await kubectl.expectSuccess("top", "pods")
      let rows = Self.rows(pods.stdout)
      #expect(rows.first == ["NAME", "CPU(cores)", "MEMORY(bytes)"], "\(pods.stdout)")
      #expect(rows.contains(["proxy", "250m", "128Mi"]), "\(pods.stdout)")
      #expect(rows.filter { $0.first?.hasPrefix("vllm-") == true }.allSatisfy { $0.dropFirst() == ["2500m", "20480Mi"] }, "\(pods.stdout)")
      #expect(rows.count == 4)

      let selected = try await kubectl.expectSuccess("top", "pods", "-l", "app=proxy", "--containers")
      #expect(Self.rows(selected.stdout).dropFirst() == [["proxy", "envoy", "250m", "128Mi"]], "\(selected.stdout)")

      let nodes = try await kubectl.expectSuccess("top", "nodes")
      let nodeRows = Self.rows(nodes.stdout)
      #expect(nodeRows.first == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"], "\(nodes.stdout)")
      #expect(nodeRows.count == 4)
      let busiest = try #require(nodeRows.dropFirst().first { $0[1] == "2750m" || $0[1] == "2500m" })
      #expect(busiest[2] == "17%" || busiest[2] == "15%", "of 16 cores: \(nodes.stdout)")
    }
  }

  @Test func topSaysWhenNoPodHasMetrics() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { _, _, kubectl in
      let top = try await kubectl("top", "pods")
      #expect(top.stderr.contains("No resources found in llm namespace."), "\(top.output)")
    }
  }

  static func rows(_ text: String) -> [[String]] {
    text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
  }
}
