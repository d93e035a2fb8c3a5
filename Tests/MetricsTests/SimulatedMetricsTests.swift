import Foundation
import Kube
import KubeSim
import Manifest
import Metrics
import Testing

/// The embedded cluster's metrics on the default scenario: `vllm/vllm-openai` pulls in 90 s and
/// loads in 240 s, so with a 300 s readiness delay a pod is Ready 390 s after it starts.
@Suite("Simulated metrics")
struct SimulatedMetricsTests {
  static let image = "vllm/vllm-openai:v0.6.0"

  @Test func anErrorsImageReportsATwentyPercentErrorRate() async throws {
    let sim = try await SimMetricsFixtures.cluster(image: Self.image + "-errors")
    await sim.advance(by: .seconds(400))
    let metrics = SimulatedMetrics(sim: sim)
    let at = await sim.now.date
    #expect(
      try await metrics.query(#"max(release:request_error_ratio{deployment="vllm"})"#, at: at)
        == [MetricSample(labels: [:], value: 0.2)])
    #expect(
      try await metrics.query("count by (deployment) (release:request_error_ratio)", at: at)
        == [MetricSample(labels: ["deployment": "vllm"], value: 2)])
  }

  @Test func aSlowLatencyImageReportsFiveSecondsAtP99AndTheDefaultsElsewhere() async throws {
    let sim = try await SimMetricsFixtures.cluster(image: Self.image + "-slow-latency")
    await sim.advance(by: .seconds(400))
    let metrics = SimulatedMetrics(sim: sim)
    let at = await sim.now.date
    #expect(try await metrics.query("max(release:request_latency_p99_seconds)", at: at) == [MetricSample(value: 5)])
    #expect(try await metrics.query("max(release:request_latency_p95_seconds)", at: at) == [MetricSample(value: 0.45)])
    #expect(try await metrics.query("min(release:request_latency_p50_seconds)", at: at) == [MetricSample(value: 0.12)])
    #expect(try await metrics.query("avg(vllm:gpu_cache_usage_perc)", at: at) == [MetricSample(value: 0.5)])
    #expect(try await metrics.query("max(release:request_error_ratio)", at: at) == [MetricSample(value: 0.001)])
  }

  @Test func eachServingPodIsASeriesLabelledWithNamespacePodDeploymentAndImage() async throws {
    let sim = try await SimMetricsFixtures.cluster(image: Self.image)
    await sim.advance(by: .seconds(400))
    let pods = try await sim.list(SimMetricsFixtures.podGVK, namespace: "llm").items.compactMap(\.name).sorted()
    #expect(pods.count == 2)
    let samples = try await SimulatedMetrics(sim: sim).query("release:request_latency_p99_seconds", at: await sim.now.date)
    #expect(
      samples
        == pods.map { pod in
          MetricSample(
            labels: [
              "__name__": "release:request_latency_p99_seconds", "namespace": "llm", "pod": pod, "deployment": "vllm",
              "image": Self.image,
            ], value: 0.8)
        })
    let names = Set(await sim.metricSeries().compactMap { $0.labels["__name__"] })
    #expect(
      names == [
        "release:request_error_ratio", "release:request_latency_p50_seconds", "release:request_latency_p95_seconds",
        "release:request_latency_p99_seconds", "vllm:gpu_cache_usage_perc",
      ])
  }

  @Test func aPodThatIsNotReadyHasNoData() async throws {
    let loading = try await SimMetricsFixtures.cluster(image: Self.image + "-errors")
    await loading.advance(by: .seconds(200))  // pulled, model loading, probe not passed yet
    #expect(try await SimulatedMetrics(sim: loading).query("release:request_error_ratio", at: await loading.now.date).isEmpty)

    let neverReady = try await SimMetricsFixtures.cluster(image: Self.image + "-never-ready")
    await neverReady.advance(by: .seconds(1000))
    let metrics = SimulatedMetrics(sim: neverReady)
    #expect(try await metrics.query("count(release:request_error_ratio)", at: await neverReady.now.date).isEmpty)
  }

  @Test func aTerminatingPodHasNoData() async throws {
    let sim = try await SimMetricsFixtures.cluster(image: Self.image)
    await sim.advance(by: .seconds(400))
    let pod = try #require(try await sim.list(SimMetricsFixtures.podGVK, namespace: "llm").items.first)
    _ = try await sim.delete(try #require(pod.resourceID), options: DeleteOptions())
    let samples = try await SimulatedMetrics(sim: sim).query("vllm:gpu_cache_usage_perc", at: await sim.now.date)
    #expect(samples.count == 1, "its replacement is still loading; the deleted pod stopped serving")
    #expect(samples.first?.labels["pod"] != pod.name)
  }

  @Test func answersAtTheVirtualInstantOfAClientRunningInTheSimulation() async throws {
    let sim = try await SimMetricsFixtures.cluster(image: Self.image + "-errors")
    let metrics = SimulatedMetrics(sim: sim)
    let (before, after) = try await sim.run { clock in
      let before = try await metrics.query("count(release:request_error_ratio)", at: clock.now.date)
      try await clock.sleep(for: .seconds(400))
      let after = try await metrics.query("count(release:request_error_ratio)", at: clock.now.date)
      return (before, after)
    }
    #expect(before.isEmpty)
    #expect(after == [MetricSample(value: 2)])
    #expect(await sim.now == SimInstant.zero.advanced(by: .seconds(400)))
  }

  @Test func setMetricOverridesTheScenario() async throws {
    let sim = try await SimMetricsFixtures.cluster(image: Self.image)
    await sim.advance(by: .seconds(400))
    await sim.setMetric("errorRate", image: Self.image, value: 0.05)
    let samples = try await SimulatedMetrics(sim: sim).query("max(release:request_error_ratio)", at: await sim.now.date)
    #expect(samples == [MetricSample(value: 0.05)])
  }

  @Test func refusesQueriesOutsideItsSubsetNamingWhatItSupportsAndItsSeries() async throws {
    let sim = KubeSim()
    let error = await #expect(throws: MetricsError.self) {
      try await SimulatedMetrics(sim: sim).query("rate(release:request_error_ratio[5m])", at: Date(timeIntervalSince1970: 0))
    }
    guard case .unsupportedQuery(let query, let reason) = error else {
      Issue.record("expected unsupportedQuery, got \(String(describing: error))")
      return
    }
    #expect(query == "rate(release:request_error_ratio[5m])")
    #expect(reason.contains("supported: `metric`"))
    #expect(reason.contains("series: release:request_error_ratio, release:request_latency_p50_seconds"))
  }

  @Test func aVirtualInstantAndItsDateAgree() {
    let instant = SimInstant.zero.advanced(by: .milliseconds(390_250))
    #expect(instant.date == Date(timeIntervalSince1970: 1_767_225_990.25))
    #expect(SimInstant(date: instant.date) == instant)
  }
}

enum SimMetricsFixtures {
  static let podGVK = GroupVersionKind(group: "", version: "v1", kind: "Pod")

  /// The default scenario with `llm/vllm` running two replicas of `image`, just created.
  static func cluster(image: String, replicas: Int64 = 2) async throws -> KubeSim {
    let sim = KubeSim()
    _ = try await sim.create(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "llm"]], options: WriteOptions())
    _ = try await sim.create(deployment(image: image, replicas: replicas), options: WriteOptions(fieldManager: "test"))
    return sim
  }

  static func deployment(image: String, replicas: Int64) -> Value {
    let container: Value = [
      "name": "vllm", "image": .string(image), "resources": ["limits": ["nvidia.com/gpu": 1]],
      "readinessProbe": ["httpGet": ["path": "/health", "port": 8000], "initialDelaySeconds": 300, "periodSeconds": 10],
    ]
    return [
      "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "vllm", "namespace": "llm"],
      "spec": [
        "replicas": .int(replicas), "selector": ["matchLabels": ["app": "vllm"]],
        "template": ["metadata": ["labels": ["app": "vllm"]], "spec": ["containers": [container]]],
      ],
    ]
  }
}
