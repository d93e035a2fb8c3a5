import Kube
import KubeSim
import Manifest
import Testing

@Suite struct GPUStallTests {
  /// The default surge needs a GPU that does not exist: the new pod stays Pending, and after
  /// progressDeadlineSeconds the Deployment reports ProgressDeadlineExceeded.
  @Test func surgeWithoutFreeGPUStallsUntilTheProgressDeadline() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 3))
    _ = try await sim.apply(SimFixtures.deployment(replicas: 3), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(60))
    try await SimFixtures.setImage(sim, "vllm:v2")
    await sim.advance(by: .seconds(1))

    let pending = try await sim.list(SimFixtures.podGVK, namespace: "llm").items.filter { $0[path: ["spec", "nodeName"]] == nil }
    #expect(pending.count == 1)
    let condition = pending.first.flatMap { PodStatus.condition($0, "PodScheduled") }
    #expect(condition?["status"] == "False")
    #expect(condition?["reason"] == "Unschedulable")
    // Upstream's FitError, DefaultPreemption's verdict and its doubled period included.
    #expect(
      condition?["message"]
        == "0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..")
    // Upstream counts the ReplicaSets' desired replicas (3 old + 1 surge) less the available
    // ones, so the stalled surge pod shows as unavailable although spec.replicas are all up.
    let stalled = try await sim.get(SimFixtures.deploymentID)["status"]
    #expect(stalled?["availableReplicas"] == 3)
    #expect(stalled?["updatedReplicas"] == 1)
    #expect(stalled?["unavailableReplicas"] == 1)

    await sim.advance(by: .seconds(598))
    var deployment = try await sim.get(SimFixtures.deploymentID)
    #expect(progressing(deployment)?["reason"] != "ProgressDeadlineExceeded")
    await sim.advance(by: .seconds(2))
    deployment = try await sim.get(SimFixtures.deploymentID)
    #expect(progressing(deployment)?["status"] == "False")
    #expect(progressing(deployment)?["reason"] == "ProgressDeadlineExceeded")
    let events = try await sim.list(GroupVersionKind(group: "", version: "v1", kind: "Event"), namespace: "llm").items
    #expect(events.contains { $0["reason"] == "FailedScheduling" && $0["type"] == "Warning" })
  }

  @Test func reportsEveryReasonCountedAcrossNodes() async throws {
    var scenario = SimFixtures.gpuScenario(nodes: 3)
    scenario.nodes[0].unschedulable = true
    scenario.nodes[1].taints = [Scenario.Taint(key: "dedicated", value: "batch", effect: "NoSchedule")]
    let sim = KubeSim(scenario: scenario)
    _ = try await sim.apply(SimFixtures.deployment(replicas: 2), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(1))
    let pending = try await sim.list(SimFixtures.podGVK, namespace: "llm").items.filter { $0[path: ["spec", "nodeName"]] == nil }
    #expect(pending.count == 1)
    #expect(
      pending.first.flatMap { PodStatus.condition($0, "PodScheduled")?["message"]?.stringValue }
        == "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint {dedicated: batch}, 1 node(s) were unschedulable."
        + " preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling..")
  }

  func progressing(_ deployment: Value) -> Value? {
    deployment[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "Progressing" }
  }
}
