import Foundation
import Kube
import KubeSim
import KubeSimServer
import Metrics
import Testing

/// `PrometheusClient` against the served embedded cluster, which answers Prometheus' query API
/// from the same source a rollout's gates use in process.
@Suite("Served simulated metrics")
struct ServedMetricsTests {
  /// Serves a cluster running `image`, ready (400 s on), as `release sim start` serves it: TLS,
  /// and a kubeconfig with the admin client certificate, written and read back.
  static func withServedCluster<T>(
    image: String, _ body: (ServerEndpoint, ClusterConnection) async throws -> T
  ) async throws -> T {
    let sim = try await SimMetricsFixtures.cluster(image: image)
    await sim.advance(by: .seconds(400))
    let server = KubeSimServer(sim: sim, options: ServerOptions(tls: true, speed: 0))
    let endpoint = try await server.start()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("served-metrics-\(UUID().uuidString)")
    do {
      let kubeconfig = directory.appendingPathComponent("kubeconfig").path
      try KubeConfigWriter.write(Kubeconfig.connection(for: endpoint, credential: .clientCertificate), to: kubeconfig)
      let connection = try KubeConfigLoader(kubeconfig: kubeconfig, environment: [:]).load().connection
      let result = try await body(endpoint, connection)
      await server.shutdown()
      try? FileManager.default.removeItem(at: directory)
      return result
    } catch {
      await server.shutdown()
      try? FileManager.default.removeItem(at: directory)
      throw error
    }
  }

  @Test func answersThroughTheKubeconfigOfTheServedCluster() async throws {
    try await Self.withServedCluster(image: "vllm/vllm-openai:v0.6.0-errors") { _, connection in
      let prometheus = try PrometheusClient(connection: connection)
      let at = Date(timeIntervalSince1970: 1_767_226_000)
      #expect(
        try await prometheus.query("max by (deployment) (release:request_error_ratio)", at: at)
          == [MetricSample(labels: ["deployment": "vllm"], value: 0.2)])
      let series = try await prometheus.query(#"vllm:gpu_cache_usage_perc{namespace="llm"}"#, at: at)
      #expect(series.count == 2)
      #expect(series.allSatisfy { $0.labels["__name__"] == "vllm:gpu_cache_usage_perc" && $0.labels["deployment"] == "vllm" })
      #expect(try await prometheus.query("release:request_error_ratio{namespace=\"elsewhere\"}", at: at).isEmpty)
    }
  }

  @Test func answersWithTheAdminTokenAndTheServersCA() async throws {
    try await Self.withServedCluster(image: "vllm/vllm-openai:v0.6.0-slow-latency") { endpoint, _ in
      let prometheus = try PrometheusClient(
        url: endpoint.url, bearerToken: endpoint.token,
        configuration: TransportConfiguration(certificateAuthorityPEM: endpoint.caPEM.map { Data($0.utf8) }))
      #expect(
        try await prometheus.query("max(release:request_latency_p99_seconds)", at: Date())
          == [MetricSample(labels: [:], value: 5)])
    }
  }

  @Test func aQueryOutsideTheSubsetComesBackAsABadQueryNamingWhatIsSupported() async throws {
    try await Self.withServedCluster(image: "vllm/vllm-openai:v0.6.0") { _, connection in
      let prometheus = try PrometheusClient(connection: connection)
      let error = await #expect(throws: MetricsError.self) {
        try await prometheus.query("histogram_quantile(0.99, rate(x[5m]))", at: Date())
      }
      guard case .badQuery(let query, let message) = error else {
        Issue.record("expected badQuery, got \(String(describing: error))")
        return
      }
      #expect(query == "histogram_quantile(0.99, rate(x[5m]))")
      #expect(message.hasPrefix("unsupported by the simulated cluster: functions such as histogram_quantile()"))
      #expect(message.contains("series: release:request_error_ratio"))
    }
  }

  @Test func refusesACallerWithoutCredentials() async throws {
    try await Self.withServedCluster(image: "vllm/vllm-openai:v0.6.0") { endpoint, _ in
      let prometheus = try PrometheusClient(
        url: endpoint.url, configuration: TransportConfiguration(certificateAuthorityPEM: endpoint.caPEM.map { Data($0.utf8) }),
        retry: .none)
      let error = await #expect(throws: MetricsError.self) { try await prometheus.query("up", at: Date()) }
      guard case .httpStatus(_, let status, _, _) = error else {
        Issue.record("expected httpStatus, got \(String(describing: error))")
        return
      }
      #expect(status == 401)
    }
  }
}
