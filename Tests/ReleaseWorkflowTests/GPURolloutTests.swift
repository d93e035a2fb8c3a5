import Diff
import EnvironmentRepo
import Foundation
import Kube
import KubeSim
import Manifest
import ReleaseKit
import Rollout
import Testing

/// `apply` executes the plan: steps as the Deployment's strategy, pod gates, automatic
/// rollback, frozen pins; on KubeSim's virtual time.
@Suite struct GPURolloutTests {
  static func withImage(_ context: EnvironmentContext, _ image: String) -> EnvironmentContext {
    var copy = context
    copy.objects = context.objects.map { object in
      guard object.kind == "Deployment" else { return object }
      var changed = object
      changed[path: ["spec", "template", "spec", "containers"]] = .array(
        (object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []).map { container in
          var c = container
          c["image"] = .string(image)
          return c
        })
      return changed
    }
    return copy
  }

  static func deployment(_ harness: WorkflowHarness, _ namespace: String = "llm-staging") async throws -> Value {
    try await harness.api.get(ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: namespace, name: "vllm"))
  }

  static func lines(_ observer: CollectingObserver) async -> [String] {
    await observer.events.compactMap { ApplyEventText.line($0)?.text }
  }

  @Test func aSurgeRolloutFinishesAndLeavesDiffClean() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    let observer = CollectingObserver()
    let next = Self.withImage(context, "vllm/vllm-openai:v0.6.4")
    let outcome = try await harness.apply(next, observer: observer)
    guard case .applied(let record, _) = outcome else { Issue.record("not applied: \(outcome)"); return }
    #expect(record.status == .deployed)
    let text = await Self.lines(observer)
    #expect(text.contains { $0.contains("rolling out, surge 1 per step, 2 steps") }, "\(text)")
    let after = try await harness.diff(next).changed
    #expect(after.isEmpty, "\(text)")
    let live = try await Self.deployment(harness)
    #expect(live[path: ["spec", "strategy", "rollingUpdate", "maxSurge"]] == 1)
  }
}
