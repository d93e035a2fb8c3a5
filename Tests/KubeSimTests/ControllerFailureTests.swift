import Kube
@testable import KubeSim
import Manifest
import Testing

/// A write the API server refuses a controller is seen, never dropped: in the trace, and where
/// upstream reports it, as an event and a condition.
@Suite struct ControllerFailureTests {
  static let hpa: Value = [
    "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": ["name": "vllm", "namespace": "llm"],
    "spec": [
      "scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": "vllm"], "minReplicas": 1, "maxReplicas": 4,
      "metrics": [["type": "Pods", "pods": ["metric": ["name": "gpu_cache_usage_perc"], "target": ["type": "AverageValue", "averageValue": "0.2"]]]],
    ],
  ]

  /// The Deployment in the store has become invalid (a state file edited by hand), so the
  /// HPA's scale write is refused: upstream's FailedRescale event and AbleToScale=False.
  @Test func aRefusedScaleIsAFailedRescale() throws {
    var cluster = SimCluster(scenario: SimFixtures.gpuScenario())
    let deployment = try cluster.api.apply(SimFixtures.deployment(replicas: 1), manager: "release", force: false, now: cluster.now)
    var broken = deployment
    broken[path: ["spec", "template", "spec", "containers"]] = [["name": "vllm", "image": ""]]
    cluster.api.store.put(broken, id: try #require(broken.resourceID))
    _ = try cluster.api.apply(Self.hpa, manager: "release", force: false, now: cluster.now)
    cluster.advance(by: .seconds(20))

    #expect(cluster.api.store.get(SimFixtures.deploymentID)?[path: ["spec", "replicas"]] == 1)
    // Every sync (t=0, t=15 s) is refused; the other controllers' writes to the broken
    // Deployment and its ReplicaSets are refused as well, and recorded alike.
    let failures = cluster.trace.entries(.writeFailed).filter { $0.detail.hasPrefix("horizontal-pod-autoscaler") }
    #expect(failures.map(\.object) == ["llm/vllm", "llm/vllm"])
    #expect(failures.allSatisfy { $0.detail.hasPrefix("horizontal-pod-autoscaler update scale: Deployment.apps \"vllm\" is invalid") })
    let events = cluster.api.store.list(GroupVersionKind(group: "", version: "v1", kind: "Event"), namespace: "llm").filter { $0["reason"] == "FailedRescale" }
    #expect(events.count == 1)
    #expect(events.first?["type"] == "Warning")
    #expect(
      events.first?["message"]?.stringValue?.hasPrefix(
        "New size: 3; reason: pods metric gpu_cache_usage_perc above target; error: Deployment.apps \"vllm\" is invalid") == true)
    let hpa = cluster.api.store.get(try #require(Self.hpa.resourceID))
    let able = hpa?[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "AbleToScale" }
    #expect(able?["status"] == "False")
    #expect(able?["reason"] == "FailedUpdateScale")
    #expect(hpa?[path: ["status", "lastScaleTime"]] == nil)
  }

  @Test func aSuccessfulRescaleNamesItsMetric() throws {
    var cluster = SimCluster(scenario: SimFixtures.gpuScenario())
    _ = try cluster.api.apply(SimFixtures.deployment(replicas: 1), manager: "release", force: false, now: cluster.now)
    _ = try cluster.api.apply(Self.hpa, manager: "release", force: false, now: cluster.now)
    cluster.advance(by: .seconds(1))
    let events = cluster.api.store.list(GroupVersionKind(group: "", version: "v1", kind: "Event"), namespace: "llm").filter { $0["reason"] == "SuccessfulRescale" }
    #expect(events.map { $0["message"] } == ["New size: 3; reason: pods metric gpu_cache_usage_perc above target"])
    #expect(cluster.trace.entries(.writeFailed).isEmpty)
  }

  /// A scenario object the API server refuses is left out, and the trace says why.
  @Test func aRefusedScenarioObjectIsInTheTrace() {
    var scenario = SimFixtures.gpuScenario()
    scenario.objects.append(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "namespace": "missing"]])
    let cluster = SimCluster(scenario: scenario)
    #expect(cluster.trace.entries(.writeFailed).map(\.detail) == [#"scenario create: namespaces "missing" not found"#])
  }
}
