import Diff
import EnvironmentRepo
import Foundation
import Kube
import KubeSim
import Manifest
import Metrics
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

/// Answers every query with fixed samples (or none), counting the queries it was asked.
actor FixedMetrics: MetricsSource {
  let samples: [MetricSample]
  private(set) var asked: [String] = []
  init(_ values: [Double]) { samples = values.enumerated().map { MetricSample(labels: ["pod": "vllm-\($0.offset)"], value: $0.element) } }
  func query(_ query: String, at time: Date) async throws(MetricsError) -> [MetricSample] {
    asked.append(query)
    return samples
  }
}

/// Bad versions are rolled back automatically, and the bad pins refused afterwards.
@Suite struct AutomaticRollbackTests {
  static let selector = ["app": "vllm"]

  @Test(arguments: [
    ("v0.6.4-crash", "crash-loop"), ("v0.6.4-oom", "oom-killed"), ("v0.6.4-never-ready", "readiness"), ("v0.6.4-pullerror", "image-pull"),
  ])
  func aBadVersionIsRolledBackToThePreviousOne(tag: String, gate: String) async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    let before = await harness.sim.trace.entries.last?.seconds ?? 0
    let bad = GPURolloutTests.withImage(context, "vllm/vllm-openai:\(tag)")
    let observer = CollectingObserver()
    do {
      _ = try await harness.apply(bad, observer: observer)
      Issue.record("a \(tag) version was not rolled back")
    } catch let error as RolloutError {
      guard case .rolledBack(let failure, let failed, let to) = error else { Issue.record("\(error)"); return }
      #expect(failure.gate == gate, "\(failure)")
      #expect((failed, to) == (2, 1))
      #expect(error.failure.exit == .rolledBack)
    }
    let live = try await GPURolloutTests.deployment(harness)
    #expect(live[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "vllm/vllm-openai:v0.6.3")
    #expect(live[path: ["status", "readyReplicas"]] == 2 && live[path: ["status", "updatedReplicas"]] == 2)
    #expect(await harness.sim.trace.minimumReadyPods(matching: Self.selector, from: before) >= 1)
    let records = try await ReleaseRecordStore(api: harness.api, namespace: "llm-staging", environment: "staging").all()
    #expect(records.map(\.status) == [.rolledBack, .deployed])
    #expect(records.first?.frozenPins["llm-staging/vllm"]?.contains("image vllm/vllm-openai:\(tag)") == true)
    // The strategy is git's again and nothing else differs: the environment is on revision 1.
    #expect(try await harness.diff(context).changed.isEmpty)

    // The same pins again: refused before any change.
    do {
      _ = try await harness.apply(bad)
      Issue.record("frozen pins were applied again")
    } catch let error as RolloutError {
      guard case .frozen(let reasons) = error else { Issue.record("\(error)"); return }
      #expect(reasons.first?.contains("rolled back in revision 2") == true, "\(reasons)")
      #expect(error.failure.exit == .blocked)
    }
  }

  /// The example staging environment's gates, answered by the embedded cluster's own series.
  @Test(arguments: [("v0.6.4-errors", "error-rate", "= 0.2"), ("v0.6.4-slow-latency", "p99-latency", "= 5")])
  func theExampleGatesCatchAVersionThatServesBadly(tag: String, gate: String, value: String) async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context, metrics: SimulatedMetrics(sim: harness.sim))
    do {
      _ = try await harness.apply(GPURolloutTests.withImage(context, "vllm/vllm-openai:\(tag)"), metrics: SimulatedMetrics(sim: harness.sim))
      Issue.record("not rolled back")
    } catch let error as RolloutError {
      guard case .rolledBack(let failure, _, _) = error else { Issue.record("\(error)"); return }
      #expect(failure.gate == gate)
      #expect(failure.evidence.contains(value) && failure.evidence.contains("llm-staging"), "\(failure.evidence)")
    }
  }

  @Test func aFailingMetricGateRollsBackWithItsEvidence() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    var settings = context.settings
    settings.rollout.bakeSeconds = 60
    settings.rollout.gates = [MetricGateConfig(name: "error-rate", query: "max(release:request_error_ratio{namespace=\"$namespace\"})", bound: .atMost(0.01))]
    let metrics = FixedMetrics([0.001, 0.2])
    do {
      _ = try await harness.apply(GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4"), settings: settings, metrics: metrics)
      Issue.record("not rolled back")
    } catch let error as RolloutError {
      guard case .rolledBack(let failure, _, _) = error else { Issue.record("\(error)"); return }
      #expect(failure.gate == "error-rate")
      #expect(failure.evidence.contains("= 0.2 {pod=vllm-1} above the maximum 0.01"), "\(failure.evidence)")
    }
    #expect(await metrics.asked.first == "max(release:request_error_ratio{namespace=\"llm-staging\"})")
  }

  @Test func aGateInObserveModeReportsAndDoesNotRollBack() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    var settings = context.settings
    settings.rollout.bakeSeconds = 30
    settings.rollout.gates = [MetricGateConfig(name: "p99", query: "max(release:request_latency_p99_seconds)", bound: .atMost(2), mode: .observe)]
    let observer = CollectingObserver()
    let outcome = try await harness.apply(
      GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4"), settings: settings, observer: observer, metrics: FixedMetrics([5]))
    guard case .applied(let record, _) = outcome else { Issue.record("\(outcome)"); return }
    #expect(record.status == .deployed)
    let observed = await observer.events.compactMap { if case .gateObserved(let f) = $0 { return f } else { return nil } }
    #expect(observed.map(\.gate) == ["p99"])
  }

  @Test(arguments: [MetricGateConfig.NoData.pass, .wait, .fail])
  func whatNoDataMeansIsTheGatesChoice(noData: MetricGateConfig.NoData) async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    var settings = context.settings
    settings.rollout.bakeSeconds = 45
    settings.rollout.gates = [MetricGateConfig(name: "success", query: "min(release:success_ratio)", bound: .atLeast(0.99), noData: noData)]
    do {
      let outcome = try await harness.apply(GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4"), settings: settings, metrics: FixedMetrics([]))
      #expect(noData == .pass, "\(outcome)")
    } catch let error as RolloutError {
      guard case .rolledBack(let failure, _, _) = error else { Issue.record("\(error)"); return }
      #expect(noData != .pass)
      #expect(failure.evidence.contains(noData == .wait ? "none came" : "no data fails"), "\(failure.evidence)")
    }
  }

  @Test func withNothingToGoBackToTheFailureIsReportedAsIs() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    do {
      _ = try await harness.apply(GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4-crash"))
      Issue.record("a crashing first release passed")
    } catch let error as RolloutError {
      guard case .gateFailed(let failure) = error else { Issue.record("\(error)"); return }
      #expect(failure.gate == "crash-loop")
      #expect(error.failure.exit == .rollbackFailed)
    }
  }
}

/// The plan counts GPUs; the scheduler also counts CPU. A surge the plan thought would fit and
/// the scheduler refuses is seen within seconds and the rollout goes on in place.
@Suite struct ReplanTests {
  /// gpu-b has a second, free GPU but CPU for one vLLM pod (4 cores) only.
  static let scenario = """
    admission: {extendedResourceToleration: true}
    nodes:
      - {name: gpu-a, allocatable: {cpu: "16", memory: 128Gi, nvidia.com/gpu: 1}}
      - {name: gpu-b, allocatable: {cpu: "6", memory: 128Gi, nvidia.com/gpu: 2}}
    defaults: {pullSeconds: 20, modelLoadSeconds: 0, metrics: {errorRate: 0.001, latencyP99Ms: 800, gpu_cache_usage_perc: 0.5}}
    images:
      - {image: "vllm/vllm-openai*", pullSeconds: 90, modelLoadSeconds: 240}
    objects:
      - {apiVersion: v1, kind: Namespace, metadata: {name: default}}
    """

  @Test func anUnschedulableSurgePodSwitchesToInPlaceStepsWithinTheBudget() async throws {
    let sim = KubeSim(scenario: try Scenario(yaml: Self.scenario, file: "replan.yaml"))
    let harness = try await WorkflowHarness.make(.inProcess, sim: sim)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    let start = await sim.trace.entries.last?.seconds ?? 0
    let observer = CollectingObserver()
    let next = GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4")
    let outcome = try await harness.apply(next, observer: observer)
    guard case .applied(let record, _) = outcome else { Issue.record("\(outcome)"); return }
    #expect(record.status == .deployed)
    let events = await observer.events
    let replans = events.compactMap { if case .replanned(_, let from, let to, let reason) = $0 { return (from, to, reason) } else { return nil } }
    #expect(replans.count == 1)
    #expect(replans.first.map { $0.0 == .surge(1) && $0.1 == .inPlace(1) && $0.2.contains("Insufficient cpu") } == true, "\(replans)")
    // Reacted within seconds of the scheduler's verdict, not at the progress deadline.
    let trace = await sim.trace
    let refused = try #require(trace.entries(.unschedulable).first { $0.seconds >= start })
    let firstOldLeaves = try #require(trace.entries(.terminating).first { $0.seconds >= refused.seconds })
    #expect(firstOldLeaves.seconds - refused.seconds <= 5, "\(refused) → \(firstOldLeaves)")
    #expect(trace.minimumReadyPods(matching: ["app": "vllm"], from: start) >= 1)
    #expect(try await harness.diff(next).changed.isEmpty)
  }
}

/// `release rollback` by hand: the earlier record's objects, through the same rollout.
@Suite struct ManualRollbackTests {
  func rollback(_ harness: WorkflowHarness, _ context: EnvironmentContext, to revision: Int? = nil) async throws -> (ReleaseRecord, ApplyOutcome) {
    let api = harness.api
    let wallClock = harness.wallClock
    let settings = context.settings
    return try await harness.sim.run { clock in
      try await ReleaseRunner(api: api, clock: clock, wallClock: wallClock, observer: CollectingObserver(), metrics: SimulatedMetrics(sim: harness.sim))
        .rollback(environment: "staging", to: revision, recordNamespace: "llm-staging", source: context.source, settings: settings) { _, _ in true }
    }
  }

  @Test func goesBackToThePreviousReleaseAsANewRevision() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    _ = try await harness.apply(GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4"))
    let (target, outcome) = try await rollback(harness, context)
    #expect(target.revision == 1)
    guard case .applied(let record, _) = outcome else { Issue.record("\(outcome)"); return }
    #expect(record.revision == 3 && record.note.hasPrefix("rollback to revision 1"))
    let live = try await GPURolloutTests.deployment(harness)
    #expect(live[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "vllm/vllm-openai:v0.6.3")
    #expect(try await harness.diff(context).changed.isEmpty)
    // Again: the release before revision 3 is revision 2.
    let (again, _) = try await rollback(harness, context)
    #expect(again.revision == 2)
  }

  @Test func aRevisionThatIsNotKeptOrNeverServedIsRefused() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    for (revision, expected) in [(nil as Int?, "the only deployed release"), (7, "revision 7 is not among its records (kept: 1)")] {
      do {
        _ = try await rollback(harness, context, to: revision)
        Issue.record("rolled back to \(String(describing: revision))")
      } catch let error as RolloutError {
        #expect("\(error)".contains(expected), "\(error)")
        #expect(error.failure.exit == .badInput)
      }
    }
  }
}

/// The new image is pulled onto the nodes before the first step, once, in parallel.
@Suite struct PrePullTests {
  static func prodCluster() throws -> KubeSim {
    let text = try String(contentsOfFile: WorkflowHarness.packageRoot + "/scenarios/prod-cluster.yaml", encoding: .utf8)
    return KubeSim(scenario: try Scenario(yaml: text, file: "prod-cluster.yaml"))
  }

  /// Virtual seconds the second apply (an image bump) took.
  func makespan(prePull: Bool, image: String = "vllm/vllm-openai:v0.6.4") async throws -> (Double, [String], KubeSim) {
    let sim = try Self.prodCluster()
    let harness = try await WorkflowHarness.make(.inProcess, sim: sim)
    let context = try await WorkflowHarness.example("prod")
    _ = try await harness.apply(context)
    let start = await sim.now.secondsDouble
    var settings = context.settings
    settings.prePull = prePull
    let observer = CollectingObserver()
    _ = try? await harness.apply(GPURolloutTests.withImage(context, image), settings: settings, observer: observer)
    return (await sim.now.secondsDouble - start, await GPURolloutTests.lines(observer), sim)
  }

  @Test func pullingFirstSavesAPullPerStepAndLeavesNoPodBehind() async throws {
    let (with, lines, sim) = try await makespan(prePull: true)
    let (without, _, _) = try await makespan(prePull: false)
    #expect(lines.contains { $0.hasPrefix("pre-pulled on 2 nodes in 1m30s") }, "\(lines)")
    // Two in-place steps each pull the 90 s image without it; with it, one pull up front.
    #expect(without - with >= 80, "with \(with) s, without \(without) s")
    let leftovers = try await sim.list(GroupVersionKind(group: "", version: "v1", kind: "Pod"), namespace: "llm-prod", options: ListOptions(labelSelector: ImagePrePull.label))
    #expect(leftovers.items.isEmpty)
  }

  @Test func aPullThatFailsStopsBeforeAnyPodIsReplaced() async throws {
    let (_, lines, sim) = try await makespan(prePull: true, image: "vllm/vllm-openai:v0.6.4-pullerror")
    #expect(lines.contains { $0.contains("gate image-pull failed") && $0.contains("pre-pull on node gpu-node-") }, "\(lines)")
    let replaced = await sim.trace.entries(.terminating).filter { $0.labels["app"] == "vllm" }
    #expect(replaced.isEmpty, "\(replaced)")
    let leftovers = try await sim.list(GroupVersionKind(group: "", version: "v1", kind: "Pod"), namespace: "llm-prod", options: ListOptions(labelSelector: ImagePrePull.label))
    #expect(leftovers.items.isEmpty)
  }
}

/// A control plane that fails one request in ten does not fail the rollout or break the budget.
@Suite struct FlakyControlPlaneTests {
  @Test(arguments: [503, 500, 429])
  func aRolloutCompletesUnderTenPercentInjectedFaults(code: Int) async throws {
    let yaml = DefaultScenario.yaml + "\nfaults:\n  - {verb: \"*\", rate: 0.1, code: \(code)}\n"
    let sim = KubeSim(scenario: try Scenario(yaml: yaml, file: "flaky.yaml"))
    let harness = try await WorkflowHarness.make(.inProcess, sim: sim)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    let start = await sim.now.secondsDouble
    let next = GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4")
    let outcome = try await harness.apply(next)
    guard case .applied(let record, _) = outcome else { Issue.record("\(outcome)"); return }
    #expect(record.status == .deployed)
    #expect(await sim.trace.minimumReadyPods(matching: ["app": "vllm"], from: start) >= 1)
    let live = try await GPURolloutTests.deployment(harness)
    #expect(live[path: ["status", "updatedReplicas"]] == 2 && live[path: ["status", "readyReplicas"]] == 2)
  }
}

/// A process killed at any point: after `limit` calls, every call fails (nothing more reaches
/// the cluster, as when the process is gone). Counts calls so a test can pick kill points.
final class KillSwitch: KubeAPI, @unchecked Sendable {
  let base: any KubeAPI
  let limit: Int
  private let lock = NSLock()
  private var calls = 0

  init(_ base: any KubeAPI, limit: Int) {
    self.base = base
    self.limit = limit
  }

  var count: Int { lock.withLock { calls } }

  private func pass() throws(KubeError) {
    let n = lock.withLock { calls += 1; return calls }
    if n > limit { throw KubeError.transport("killed") }
  }

  func discovery() async throws(KubeError) -> [APIResourceInfo] { try pass(); return try await base.discovery() }
  func get(_ id: ResourceID, subresource: String?) async throws(KubeError) -> Value { try pass(); return try await base.get(id, subresource: subresource) }
  func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError) -> ObjectList {
    try pass(); return try await base.list(gvk, namespace: namespace, options: options)
  }
  func watch(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError) -> AsyncThrowingStream<WatchEvent, any Error> {
    try pass(); return try await base.watch(gvk, namespace: namespace, options: options)
  }
  func create(_ object: Value, options: WriteOptions) async throws(KubeError) -> Value { try pass(); return try await base.create(object, options: options) }
  func update(_ object: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    try pass(); return try await base.update(object, subresource: subresource, options: options)
  }
  func apply(_ object: Value, options: ApplyOptions) async throws(KubeError) -> Value { try pass(); return try await base.apply(object, options: options) }
  func patch(_ id: ResourceID, type: PatchType, body: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    try pass(); return try await base.patch(id, type: type, body: body, subresource: subresource, options: options)
  }
  func delete(_ id: ResourceID, options: DeleteOptions) async throws(KubeError) -> Value? { try pass(); return try await base.delete(id, options: options) }
  func evict(_ pod: ResourceID, options: DeleteOptions) async throws(KubeError) { try pass(); try await base.evict(pod, options: options) }
}

/// Kill `release apply` at a random point, run it again: it always converges.
@Suite struct KillAndResumeTests {
  /// Kill points are drawn below this; `killPointsCoverAWholeApply` checks an apply fits in it.
  static let span = 110

  /// A small GPU service (two replicas of one GPU, a PDB, a 20 s readiness window) so that
  /// a hundred kill points stay quick; the example's model takes 300 s to load.
  static func environment() async throws -> EnvironmentContext {
    let deployment = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: app, namespace: app}
      spec:
        replicas: 2
        progressDeadlineSeconds: 600
        selector: {matchLabels: {app: app}}
        strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
        template:
          metadata: {labels: {app: app}}
          spec:
            containers:
              - name: app
                image: registry.example/app:v1
                resources: {limits: {nvidia.com/gpu: 1}}
                readinessProbe: {httpGet: {path: /health, port: 8000}, initialDelaySeconds: 10, periodSeconds: 5, failureThreshold: 2}
      ---
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata: {name: app, namespace: app}
      spec: {minAvailable: 1, selector: {matchLabels: {app: app}}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: app}
      """
    let (context, _) = try await WorkflowHarness.scratch([
      "environments/app/kustomization.yaml": "resources: [app.yaml]\n",
      "environments/app/app.yaml": deployment,
    ])
    return context
  }

  func run(_ harness: WorkflowHarness, _ context: EnvironmentContext, api: any KubeAPI) async throws -> ApplyOutcome {
    let wallClock = harness.wallClock
    let settings = context.settings
    let metrics = SimulatedMetrics(sim: harness.sim)
    return try await harness.sim.run { clock in
      try await ReleaseRunner(api: api, clock: clock, wallClock: wallClock, observer: CollectingObserver(), metrics: metrics)
        .apply(environment: context.name, rendered: context.objects, source: context.source, settings: settings) { _, _ in true }
    }
  }

  static func bumped(_ context: EnvironmentContext) -> EnvironmentContext { GPURolloutTests.withImage(context, "registry.example/app:v2") }

  @Test(arguments: 0..<100)
  func aKilledApplyConvergesOnTheNextRun(seed: Int) async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await Self.environment()
    _ = try await run(harness, context, api: harness.api)
    let next = Self.bumped(context)
    // SplitMix-style spread of kill points over a whole apply's calls, the first one included.
    var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
    state = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
    let limit = Int(state % UInt64(Self.span))
    let killed = KillSwitch(harness.api, limit: limit)
    _ = try? await run(harness, next, api: killed)
    harness.wallClock.advance(120)  // the dead holder's lease expires
    let start = await harness.sim.now.secondsDouble
    let outcome = try await run(harness, next, api: harness.api)
    let why = "seed \(seed), killed after \(limit) calls"
    guard case .applied(let record, _) = outcome else { Issue.record("\(why): \(outcome)"); return }
    #expect(record.status == .deployed)
    let live = try await harness.api.get(ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "app", name: "app"))
    #expect(live[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "registry.example/app:v2", "\(why)")
    #expect(live[path: ["status", "updatedReplicas"]] == 2 && live[path: ["status", "readyReplicas"]] == 2 && live[path: ["status", "replicas"]] == 2, "\(why)")
    #expect(try await harness.diff(next).changed.isEmpty, "\(why)")
    let pods = try await harness.api.list(GroupVersionKind(group: "", version: "v1", kind: "Pod"), namespace: "app", options: ListOptions(labelSelector: ImagePrePull.label))
    #expect(pods.items.isEmpty, "\(why): pre-pull pods left")
    let records = try await ReleaseRecordStore(api: harness.api, namespace: "app", environment: "app").all()
    #expect(!records.contains { $0.status == .pending }, "\(why)")
    #expect(await harness.sim.trace.minimumReadyPods(matching: ["app": "app"], from: start) >= 1, "\(why)")
  }

  @Test func killPointsCoverAWholeApply() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await Self.environment()
    _ = try await run(harness, context, api: harness.api)
    let counting = KillSwitch(harness.api, limit: .max)
    _ = try await run(harness, Self.bumped(context), api: counting)
    // The seeds above kill within the first `span` calls: that must reach the end of an apply.
    #expect(counting.count <= Self.span && counting.count >= Self.span * 2 / 3, "\(counting.count) calls")
  }
}

/// Two GPU Deployments rolling in one apply share the spare GPU as planned, and both finish.
@Suite struct SharedGPURolloutTests {
  static func deployment(_ name: String, image: String) -> String {
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: \(name), namespace: app}
    spec:
      replicas: 2
      selector: {matchLabels: {app: \(name)}}
      strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
      template:
        metadata: {labels: {app: \(name)}}
        spec:
          containers:
            - name: \(name)
              image: \(image)
              resources: {limits: {nvidia.com/gpu: 1}}
              readinessProbe: {httpGet: {path: /health, port: 8000}, initialDelaySeconds: 60, periodSeconds: 5, failureThreshold: 1}
    ---
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {name: \(name), namespace: app}
    spec: {minAvailable: 1, selector: {matchLabels: {app: \(name)}}}
    """
  }

  static func environment(tag: String) async throws -> EnvironmentContext {
    let objects = ["apiVersion: v1\nkind: Namespace\nmetadata: {name: app}", deployment("chat", image: "registry.example/chat:\(tag)"),
      deployment("embed", image: "registry.example/embed:\(tag)")].joined(separator: "\n---\n")
    let (context, _) = try await WorkflowHarness.scratch([
      "environments/app/kustomization.yaml": "resources: [app.yaml]\n", "environments/app/app.yaml": objects,
    ])
    return context
  }

  @Test func oneSurgesIntoTheSpareGPUTheOtherStepsInPlaceAndBothFinish() async throws {
    // Five single-GPU nodes: four pods run, one GPU is spare.
    let yaml = """
      admission: {extendedResourceToleration: true}
      nodePools: [{namePrefix: gpu, count: 5, allocatable: {cpu: "16", memory: 64Gi, nvidia.com/gpu: 1}}]
      defaults: {pullSeconds: 20, modelLoadSeconds: 0, metrics: {errorRate: 0.001}}
      objects: [{apiVersion: v1, kind: Namespace, metadata: {name: default}}]
      """
    let sim = KubeSim(scenario: try Scenario(yaml: yaml, file: "shared.yaml"))
    let harness = try await WorkflowHarness.make(.inProcess, sim: sim)
    _ = try await harness.apply(try await Self.environment(tag: "v1"))
    let start = await sim.now.secondsDouble
    let observer = CollectingObserver()
    let next = try await Self.environment(tag: "v2")
    guard case .applied(let record, _) = try await harness.apply(next, observer: observer) else { Issue.record("not applied"); return }
    #expect(record.status == .deployed)
    let steps = await observer.events.compactMap { if case .rolloutStarted(let id, let step, _, _) = $0 { return "\(id.name): \(step.summary)" } else { return nil } }
    #expect(Set(steps) == ["chat: in place 1", "embed: surge 1"] || Set(steps) == ["chat: surge 1", "embed: in place 1"], "\(steps)")
    let trace = await sim.trace
    for name in ["chat", "embed"] {
      #expect(trace.minimumReadyPods(matching: ["app": name], from: start) >= 1, "\(name)")
      let live = try await harness.api.get(ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "app", name: name))
      #expect(live[path: ["status", "updatedReplicas"]] == 2 && live[path: ["status", "readyReplicas"]] == 2, "\(name)")
    }
    #expect(try await harness.diff(next).changed.isEmpty)
  }
}
