import Diff
import EndToEndSupport
import Foundation
import Kube
import Manifest
import Metrics
import ReleaseKit
import Testing

/// `Pushgateway` against Debian's real `prometheus-pushgateway`: what drift pushes is read back
/// over its JSON API, a second push replaces the group (no stale counts), and a refused
/// push names the URL and the gateway's own words.
@Suite("Pushgateway end to end")
struct PushgatewayEndToEndTests {
  static let report = DriftReport(
    environment: "staging", revision: 3, commit: nil,
    findings: [
      DriftFinding(id: ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "llm-staging", name: "vllm"),
        driftClass: .drifted),
      DriftFinding(id: ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "default", name: "left"),
        driftClass: .orphaned),
    ], checked: 8)

  @Test(.timeLimit(.minutes(2)))
  func pushedDriftMetricsReadBackAndAreReplacedByTheNextPush() async throws {
    let gateway = try await PushgatewayServer.start()
    do {
      try await Self.check(gateway)
    } catch {
      let log = gateway.logTail()
      await gateway.stop()
      throw SupportError("\(error)\npushgateway log:\n\(log)")
    }
    await gateway.stop()
  }

  static func check(_ gateway: PushgatewayServer) async throws {
    let client = try Pushgateway(url: gateway.url, clock: ContinuousClock())
    let at = Date(timeIntervalSince1970: 1_800_000_000)
    let families = DriftMetrics.families(environment: "staging", report: report, kinds: ["Deployment", "Service"], at: at)
    try await client.push(families, job: DriftMetrics.job, grouping: [("environment", "staging")])

    let grouping = ["job": "release_drift", "environment": "staging"]
    let objects = try await gateway.samples("release_drift_objects", grouping: grouping)
    func count(_ kind: String, _ driftClass: String) -> String? {
      objects.first { $0.key["kind"] == kind && $0.key["class"] == driftClass }?.value
    }
    #expect(count("Deployment", "drifted") == "1")
    #expect(count("ConfigMap", "orphaned") == "1")
    #expect(count("Service", "missing") == "0", "every class of every managed kind has a sample: \(objects)")
    #expect(objects.count == 3 * 4)
    #expect(try await gateway.samples("release_drift_check_success", grouping: grouping).values.first == "1")
    #expect(try await gateway.samples("release_drift_last_check_timestamp_seconds", grouping: grouping).values.first.flatMap(Double.init) == 1_800_000_000)

    // A failed check replaces the group: success 0, and no counts left from the run before.
    try await client.push(
      DriftMetrics.families(environment: "staging", report: nil, kinds: [], at: at), job: DriftMetrics.job, grouping: [("environment", "staging")])
    #expect(try await gateway.samples("release_drift_objects", grouping: grouping).isEmpty)
    #expect(try await gateway.samples("release_drift_check_success", grouping: grouping).values.first == "0")

    // A group value that cannot be a path segment travels base64url-encoded.
    try await client.push(families, job: DriftMetrics.job, grouping: [("environment", "team/a")])
    #expect(try await !gateway.samples("release_drift_check_success", grouping: ["environment": "team/a"]).isEmpty)

    // The gateway refuses a metric pushed with two types; the error says so, with its words.
    let clash = [MetricFamily(name: "release_drift_objects", help: "x", type: "counter", samples: [.init(labels: [], value: 1)])]
    let error = await #expect(throws: MetricsError.self) {
      try await client.push(clash + families, job: DriftMetrics.job, grouping: [("environment", "staging")])
    }
    guard case .httpStatus(let url, let status, _, _)? = error else { Issue.record("\(String(describing: error))"); return }
    #expect(url == gateway.url + "/metrics/job/release_drift/environment/staging" && status == 400)
  }
}

/// The exposition text and group URLs, without a server.
@Suite struct PushgatewayFormatTests {
  @Test func expositionEscapesLabelValuesAndWritesIntegersPlainly() {
    let text = MetricFamily.exposition([
      MetricFamily(name: "m", help: "a \\ help", samples: [.init(labels: [("l", "a\"b\\c\nd")], value: 1_800_000_000), .init(labels: [], value: 0.5)])
    ])
    #expect(text == "# HELP m a \\\\ help\n# TYPE m gauge\nm{l=\"a\\\"b\\\\c\\nd\"} 1800000000\nm 0.5\n")
  }

  @Test func groupURLsEncodeWhatAPathSegmentCannotCarry() throws {
    let gateway = try Pushgateway(url: "http://gw:9091/", clock: ContinuousClock())
    #expect(gateway.groupURL(job: "release_drift", grouping: [("environment", "staging")]) == "http://gw:9091/metrics/job/release_drift/environment/staging")
    #expect(gateway.groupURL(job: "j", grouping: [("environment", "a/b")]) == "http://gw:9091/metrics/job/j/environment@base64/YS9i")
    #expect(throws: MetricsError.self) { try Pushgateway(url: "gw:9091", clock: ContinuousClock()) }
    #expect(throws: MetricsError.self) { try Pushgateway(url: "http://user:pw@gw:9091", clock: ContinuousClock()) }
  }
}
