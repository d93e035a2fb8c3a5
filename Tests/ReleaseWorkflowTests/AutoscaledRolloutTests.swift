import EnvironmentRepo
import Foundation
import Kube
import KubeSim
import Manifest
import ReleaseKit
import Rollout
import Testing

/// A rollout while the HorizontalPodAutoscaler scales the same Deployment: the new image's
/// load (its scenario metric) makes the HPA scale up or down on virtual time while `release
/// apply` rolls. The rollout must finish on the new version with the HPA's count, keep the
/// PDB, never write git's replica count over the HPA's, and leave `diff` clean.
@Suite struct AutoscaledRolloutTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    /// The new tag: its suffix picks the load the scenario gives its pods.
    var tag: String
    var replicas: Int
    var nodes: Int
    /// What the HPA settles on under the new image's load.
    var scaledTo: Int
    var testDescription: String { name }
  }

  static let cases = [
    // Load doubles: the HPA asks for 3 pods (its max) while a surge pod holds the one spare GPU.
    Case(name: "the HPA scales up mid-rollout", tag: "v2-busy", replicas: 2, nodes: 3, scaledTo: 3),
    // Load drops: after its 300 s stabilization window the HPA scales 3 → 1 while pods are replaced.
    Case(name: "the HPA scales down mid-rollout", tag: "v2-idle", replicas: 3, nodes: 4, scaledTo: 1),
  ]

  static let scenario = """
    admission: {extendedResourceToleration: true}
    nodePools:
      - {namePrefix: gpu, count: NODES, taints: [{key: nvidia.com/gpu, effect: NoSchedule}], allocatable: {cpu: "16", memory: 64Gi, nvidia.com/gpu: 1}}
    defaults: {pullSeconds: 20, modelLoadSeconds: 0, metrics: {errorRate: 0.001, latencyP99Ms: 500, load: 1}}
    images:
      - {tagSuffix: "-busy", metrics: {load: 2}}
      - {tagSuffix: "-idle", metrics: {load: 0.3}}
    objects:
      - {apiVersion: v1, kind: Namespace, metadata: {name: default}}
    """

  static let deploymentID = ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "app", name: "app")

  static func environment(tag: String, replicas: Int) async throws -> EnvironmentContext {
    let objects = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: app}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: app, namespace: app}
      spec:
        replicas: \(replicas)
        progressDeadlineSeconds: 1800
        selector: {matchLabels: {app: app}}
        template:
          metadata: {labels: {app: app}}
          spec:
            containers:
              - name: app
                image: registry.example/app:\(tag)
                resources: {limits: {nvidia.com/gpu: 1}}
                readinessProbe: {httpGet: {path: /health, port: 8000}, initialDelaySeconds: 200, periodSeconds: 5, failureThreshold: 1}
      ---
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: app, namespace: app}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
        minReplicas: 1
        maxReplicas: 3
        metrics:
          - type: Pods
            pods: {metric: {name: load}, target: {type: AverageValue, averageValue: "1"}}
      ---
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata: {name: app, namespace: app}
      spec: {minAvailable: 1, selector: {matchLabels: {app: app}}}
      """
    let (context, _) = try await WorkflowHarness.scratch([
      "environments/app/kustomization.yaml": "resources: [app.yaml]\n",
      "environments/app/app.yaml": objects,
    ])
    return context
  }

  @Test(arguments: cases)
  func theRolloutFinishesWithTheAutoscalersCountAndLeavesDiffClean(_ test: Case) async throws {
    let scenario = Self.scenario.replacingOccurrences(of: "NODES", with: String(test.nodes))
    let sim = KubeSim(scenario: try Scenario(yaml: scenario, file: "hpa.yaml"))
    let spy = ReplicaSpy(sim)
    let harness = WorkflowHarness(sim: sim, api: spy, server: nil)
    _ = try await harness.apply(try await Self.environment(tag: "v1", replicas: test.replicas))
    let start = await sim.now.secondsDouble
    #expect(try await harness.api.get(Self.deploymentID)[path: ["spec", "replicas"]]?.intValue == Int64(test.replicas))

    let next = try await Self.environment(tag: test.tag, replicas: test.replicas)
    let observer = CollectingObserver()
    let outcome = try await harness.apply(next, observer: observer)
    guard case .applied(let record, _) = outcome else { Issue.record("not applied: \(outcome)"); return }
    #expect(record.status == .deployed)
    let end = await sim.now.secondsDouble
    let trace = await sim.trace

    // The HPA really scaled while the rollout ran (not before it, not after it). Its scale-down
    // can be what completes the rollout: the follower sees that at the same instant.
    let scalings = trace.entries(.scaled).filter { $0.object == "app/app" && $0.seconds > start && $0.seconds <= end }
    #expect(!scalings.isEmpty, "the HPA never scaled during the rollout: \(trace.entries(.scaled))")

    // Ends on the new version with the HPA's count, every pod ready.
    let live = try await harness.api.get(Self.deploymentID)
    #expect(live[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == .string("registry.example/app:\(test.tag)"))
    #expect(live[path: ["spec", "replicas"]]?.intValue == Int64(test.scaledTo))
    let progress = WorkloadProgress(of: live)
    #expect(progress.state == .complete && progress.available == Int64(test.scaledTo), "\(progress)")

    // The PDB (minAvailable 1) held at every instant of the rollout.
    #expect(trace.minimumReadyPods(matching: ["app": "app"], from: start) >= 1)

    // Nothing `release` applied carried a replica count other than the live one.
    let fights = await spy.fights
    #expect(fights.isEmpty, "git's replicas applied over the HPA's: \(fights)")

    // The restored strategy and the HPA's replicas: nothing left to apply.
    let after = try await harness.diff(next).changed
    #expect(after.isEmpty, "\(after)")
  }
}

/// Passes every call through, and notes each apply of a Deployment whose `spec.replicas`
/// differs from the live count it replaces (the autoscaler's): `release` fighting the HPA.
actor ReplicaSpy: KubeAPI {
  let base: any KubeAPI
  private(set) var fights: [String] = []

  init(_ base: any KubeAPI) { self.base = base }

  func apply(_ object: Value, options: ApplyOptions) async throws(KubeError) -> Value {
    if !options.dryRun, object.kind == "Deployment", let id = object.resourceID, let applied = object[path: ["spec", "replicas"]] {
      let live: Value?
      do { live = try await base.get(id) } catch where error.isNotFound { live = nil }  // a first apply replaces nothing
      if let live, live[path: ["spec", "replicas"]] != applied {
        fights.append("\(id): applied \(applied), live \(live[path: ["spec", "replicas"]] ?? .null)")
      }
    }
    return try await base.apply(object, options: options)
  }

  nonisolated func discovery() async throws(KubeError) -> [APIResourceInfo] { try await base.discovery() }
  nonisolated func get(_ id: ResourceID, subresource: String?) async throws(KubeError) -> Value { try await base.get(id, subresource: subresource) }
  nonisolated func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError) -> ObjectList {
    try await base.list(gvk, namespace: namespace, options: options)
  }
  nonisolated func watch(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError)
    -> AsyncThrowingStream<WatchEvent, any Error>
  {
    try await base.watch(gvk, namespace: namespace, options: options)
  }
  nonisolated func create(_ object: Value, options: WriteOptions) async throws(KubeError) -> Value { try await base.create(object, options: options) }
  nonisolated func update(_ object: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    try await base.update(object, subresource: subresource, options: options)
  }
  nonisolated func patch(_ id: ResourceID, type: PatchType, body: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    try await base.patch(id, type: type, body: body, subresource: subresource, options: options)
  }
  nonisolated func delete(_ id: ResourceID, options: DeleteOptions) async throws(KubeError) -> Value? { try await base.delete(id, options: options) }
  nonisolated func evict(_ pod: ResourceID, options: DeleteOptions) async throws(KubeError) { try await base.evict(pod, options: options) }
}
