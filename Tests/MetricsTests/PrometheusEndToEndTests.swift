import Foundation
import Kube
import Metrics
import Testing

/// `PrometheusClient` against a real Prometheus scraping an endpoint the test serves: what the
/// fake-transport tests assume about the API (encodings, result types, error bodies) is
/// checked against the server itself.
@Suite("Prometheus end to end")
struct PrometheusEndToEndTests {
  static let page = """
    # HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
    # TYPE vllm:gpu_cache_usage_perc gauge
    vllm:gpu_cache_usage_perc{model_name="Qwen/Qwen2.5-7B-Instruct"} 0.42
    # HELP release:request_error_ratio Share of requests answered with an error.
    # TYPE release:request_error_ratio gauge
    release:request_error_ratio{pod="vllm-a"} 0.2
    release:request_error_ratio{pod="vllm-b"} 0.001
    # TYPE test_not_a_number gauge
    test_not_a_number NaN
    # TYPE test_positive_infinity gauge
    test_positive_infinity +Inf
    # TYPE test_negative_infinity gauge
    test_negative_infinity -Inf

    """

  @Test(.timeLimit(.minutes(2)))
  func queriesARealPrometheusScrapingAMetricsEndpoint() async throws {
    let target = try await ExpositionServer.start(page: Self.page)
    do {
      let prometheus = try await PrometheusServer.start(scrapingPort: target.port)
      do {
        try await prometheus.waitUntilScraped(ready: "test_negative_infinity", within: .seconds(30))
        try await Self.check(prometheus, target: target)
      } catch {
        await prometheus.stop()
        throw error
      }
      await prometheus.stop()
      // Stopped, the same address refuses connections: the client says it is unreachable.
      let client = try PrometheusClient(url: prometheus.url, retry: .none)
      let error = await #expect(throws: MetricsError.self) { try await client.query("up", at: Date()) }
      guard case .unreachable(let url, _) = error else {
        Issue.record("expected unreachable, got \(String(describing: error))")
        await target.stop()
        return
      }
      #expect(url == "\(prometheus.url)/api/v1/query")
    } catch {
      await target.stop()
      throw error
    }
    await target.stop()
  }

  static func check(_ prometheus: PrometheusServer, target: ExpositionServer) async throws {
    let client = try PrometheusClient(url: prometheus.url, timeout: .seconds(5))
    let now = Date()

    #expect(
      try await client.query("vllm:gpu_cache_usage_perc", at: now) == [
        MetricSample(
          labels: [
            "__name__": "vllm:gpu_cache_usage_perc", "job": "app", "instance": "127.0.0.1:\(target.port)",
            "model_name": "Qwen/Qwen2.5-7B-Instruct",
          ], value: 0.42)
      ])
    #expect(try await client.query("max(release:request_error_ratio)", at: now) == [MetricSample(labels: [:], value: 0.2)])
    let byPod = try await client.query("sum by (pod) (release:request_error_ratio)", at: now)
    #expect(
      Set(byPod) == [
        MetricSample(labels: ["pod": "vllm-a"], value: 0.2), MetricSample(labels: ["pod": "vllm-b"], value: 0.001),
      ])
    #expect(
      try await client.query("scalar(max(release:request_error_ratio))", at: now) == [MetricSample(labels: [:], value: 0.2)])

    let nan = try await client.query("test_not_a_number", at: now)
    #expect(nan.count == 1 && nan[0].value.isNaN)
    #expect(try await client.query("test_positive_infinity", at: now).map(\.value) == [.infinity])
    #expect(try await client.query("test_negative_infinity", at: now).map(\.value) == [-.infinity])
    #expect(try await client.query("series_nobody_exports", at: now).isEmpty)

    let unclosed = "max(release:request_error_ratio"
    let bad = await #expect(throws: MetricsError.self) { try await client.query(unclosed, at: now) }
    guard case .badQuery(let query, let message) = bad else {
      Issue.record("expected badQuery, got \(String(describing: bad))")
      return
    }
    #expect(query == unclosed)
    #expect(message.contains("parse error"), "\(message)")

    for (text, words) in [("release:request_error_ratio[1m]", "range vector"), (#""ready""#, "a string")] {
      let error = await #expect(throws: MetricsError.self) { try await client.query(text, at: now) }
      guard case .unsupportedQuery(let query, let reason) = error else {
        Issue.record("expected unsupportedQuery for \(text), got \(String(describing: error))")
        continue
      }
      #expect(query == text)
      #expect(reason.contains(words))
    }
  }
}
