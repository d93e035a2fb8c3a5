import Diff
import Foundation
import Manifest
import Metrics
import ReleaseKit
import Testing

/// When the webhook is told, and what: only on a change of what drifted, never every run.
@Suite struct DriftNoticeTests {
  static let deployment = ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "llm", name: "vllm")

  static func report(_ findings: [DriftFinding]) -> DriftReport {
    DriftReport(environment: "staging", revision: 4, commit: "0123456789abcdef", findings: findings, checked: 8)
  }

  static let imageEdit = DriftFinding(
    id: deployment, driftClass: .drifted,
    fields: [DriftField(path: FieldPath([.key("spec"), .key("replicas")]), change: .changed, released: 2, current: 5, manager: "kubectl-scale")],
    managers: ["kubectl-scale"])
  static let pendingOnly = DriftFinding(id: deployment, driftClass: .pending, pendingAction: "update")

  @Test func firstDriftIsAnnouncedSameDriftIsNotClearingIs() throws {
    let drifted = Self.report([Self.imageEdit])
    let message = try #require(DriftNotice.message(drifted, previous: nil, includingPending: false))
    #expect(message["state"] == "drift")
    #expect(message["text"]?.stringValue?.contains("drift in *staging* against revision 4 (commit 0123456789ab): 1 drifted") == true)
    #expect(message["text"]?.stringValue?.contains("`spec.replicas` by kubectl-scale") == true)
    #expect(message[path: ["drift"]]?.arrayValue?.first?["class"] == "drifted")

    let seen = DriftNotice.fingerprint(drifted, includingPending: false)
    #expect(DriftNotice.message(drifted, previous: seen, includingPending: false) == nil)

    let clean = Self.report([])
    let cleared = try #require(DriftNotice.message(clean, previous: seen, includingPending: false))
    #expect(cleared["state"] == "clear" && cleared["text"]?.stringValue?.contains("back in sync with revision 4") == true)
    #expect(DriftNotice.message(clean, previous: nil, includingPending: false) == nil, "a first run in sync says nothing")
  }

  @Test func pendingChangesAreNewsOnlyWhenTheyCount() {
    let pending = Self.report([Self.pendingOnly])
    #expect(DriftNotice.message(pending, previous: nil, includingPending: false) == nil)
    #expect(DriftNotice.message(pending, previous: nil, includingPending: true) != nil)
  }

  @Test func metricsCoverEveryClassOfEveryManagedKind() {
    let families = DriftMetrics.families(environment: "staging", report: Self.report([Self.imageEdit]), kinds: ["Deployment", "Service"],
      at: Date(timeIntervalSince1970: 1_800_000_000))
    let text = MetricFamily.exposition(families)
    #expect(text.contains(#"release_drift_objects{environment="staging",kind="Deployment",class="drifted"} 1"#))
    #expect(text.contains(#"release_drift_objects{environment="staging",kind="Service",class="orphaned"} 0"#))
    #expect(text.contains(#"release_drift_check_success{environment="staging"} 1"#))
    #expect(text.contains(#"release_drift_last_check_timestamp_seconds{environment="staging"} 1800000000"#))
    let failed = MetricFamily.exposition(DriftMetrics.families(environment: "staging", report: nil, kinds: [], at: Date(timeIntervalSince1970: 0)))
    #expect(!failed.contains("release_drift_objects") && failed.contains(#"release_drift_check_success{environment="staging"} 0"#))
  }
}
