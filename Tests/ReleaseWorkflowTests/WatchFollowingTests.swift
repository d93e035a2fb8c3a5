import EnvironmentRepo
import Foundation
import Kube
import KubeSim
import Manifest
import ReleaseKit
import Rollout
import Testing

/// Notes the virtual instant of each event, so a test can tell when the rollout reacted.
actor TimedObserver: ApplyObserver {
  let clock: SimClock
  private(set) var events: [(seconds: Double, event: ApplyEvent)] = []
  init(clock: SimClock) { self.clock = clock }
  func report(_ event: ApplyEvent) async { events.append((clock.now.secondsDouble, event)) }

  var rolledOut: [Double] { events.compactMap { if case .rolledOut = $0.event { $0.seconds } else { nil } } }
  var replanned: [Double] { events.compactMap { if case .replanned = $0.event { $0.seconds } else { nil } } }
}

/// Counts calls by verb and kind, to tell a follower that watches from one that polls.
final class CallCounter: KubeAPI, @unchecked Sendable {
  let base: any KubeAPI
  // Guarded by the lock.
  private let lock = NSLock()
  private var counts: [String: Int] = [:]
  private var ended = false

  init(_ base: any KubeAPI) { self.base = base }

  func count(_ verb: String, _ kind: String) -> Int { lock.withLock { counts["\(verb) \(kind)"] ?? 0 } }
  /// Whether the client said it is done with this API.
  var isEnded: Bool { lock.withLock { ended } }
  func end() { lock.withLock { ended = true } }
  private func note(_ verb: String, _ kind: String?) { lock.withLock { counts["\(verb) \(kind ?? "?")", default: 0] += 1 } }

  func discovery() async throws(KubeError) -> [APIResourceInfo] { try await base.discovery() }
  func get(_ id: ResourceID, subresource: String?) async throws(KubeError) -> Value {
    note("get", id.gvk.kind); return try await base.get(id, subresource: subresource)
  }
  func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError) -> ObjectList {
    note("list", gvk.kind); return try await base.list(gvk, namespace: namespace, options: options)
  }
  func watch(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError) -> AsyncThrowingStream<WatchEvent, any Error> {
    note("watch", gvk.kind); return try await base.watch(gvk, namespace: namespace, options: options)
  }
  func create(_ object: Value, options: WriteOptions) async throws(KubeError) -> Value { try await base.create(object, options: options) }
  func update(_ object: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    try await base.update(object, subresource: subresource, options: options)
  }
  func apply(_ object: Value, options: ApplyOptions) async throws(KubeError) -> Value { try await base.apply(object, options: options) }
  func patch(_ id: ResourceID, type: PatchType, body: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    try await base.patch(id, type: type, body: body, subresource: subresource, options: options)
  }
  func delete(_ id: ResourceID, options: DeleteOptions) async throws(KubeError) -> Value? { try await base.delete(id, options: options) }
  func evict(_ pod: ResourceID, options: DeleteOptions) async throws(KubeError) { try await base.evict(pod, options: options) }
}

/// The follower watches: with the resync a minute long it still reacts at the instant of the
/// change, and it leaves no watch open however the rollout ends.
@Suite struct WatchFollowingTests {
  static let longResync = Duration.seconds(60)

  /// The HPA scales up while a surge pod holds the only spare GPU: the pod it adds cannot be
  /// placed, minutes into the rollout. The re-plan comes at the scheduler's verdict.
  @Test func aSurgePodRefusedMidRolloutIsReplannedAtTheInstantOfTheRefusal() async throws {
    let scenario = AutoscaledRolloutTests.scenario.replacingOccurrences(of: "NODES", with: "3")
    let sim = KubeSim(scenario: try Scenario(yaml: scenario, file: "hpa.yaml"))
    let harness = try await WorkflowHarness.make(.inProcess, sim: sim)
    _ = try await harness.apply(try await AutoscaledRolloutTests.environment(tag: "v1", replicas: 2))
    let start = await sim.now.secondsDouble
    let observer = TimedObserver(clock: sim.clock)
    let next = try await AutoscaledRolloutTests.environment(tag: "v2-busy", replicas: 2)
    let outcome = try await harness.apply(next, observer: observer, resync: Self.longResync)
    guard case .applied(let record, _) = outcome else { Issue.record("\(outcome)"); return }
    #expect(record.status == .deployed)
    let refused = try #require(await sim.trace.entries(.unschedulable).first { $0.seconds > start })
    let replanned = try #require(await observer.replanned.first)
    #expect(replanned == refused.seconds, "refused: \(refused)")
    #expect(refused.seconds - start >= 30, "the refusal came well after the rollout started")
    #expect(await sim.openWatches == 0)
  }

  /// The rollout is done when the Deployment completes; reading at that instant, not at the
  /// next resync, makes how long it takes independent of the resync.
  @Test func aRolloutIsDoneAtTheInstantItsDeploymentCompletes() async throws {
    var doneAt: [Duration: Double] = [:]
    var lastChange: [Duration: Double] = [:]
    for resync in [Duration.seconds(5), Self.longResync] {
      let harness = try await WorkflowHarness.make(.inProcess)
      let context = try await KillAndResumeTests.environment()
      _ = try await harness.apply(context)
      let observer = TimedObserver(clock: harness.sim.clock)
      _ = try await harness.apply(KillAndResumeTests.bumped(context), observer: observer, resync: resync)
      let done = try #require(await observer.rolledOut.first)
      doneAt[resync] = done
      lastChange[resync] = await harness.sim.trace.entries.last { $0.seconds <= done }?.seconds
      #expect(await harness.sim.openWatches == 0)
    }
    #expect(doneAt[Self.longResync] == lastChange[Self.longResync], "done at \(doneAt), last change at \(lastChange)")
    #expect(doneAt[Self.longResync] == doneAt[.seconds(5)], "\(doneAt)")
  }

  @Test(arguments: Route.allCases)
  func theFollowerWatchesInsteadOfReadingEveryTwoSeconds(route: Route) async throws {
    let harness = try await WorkflowHarness.make(route)
    defer { Task { await harness.close() } }
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    let counter = CallCounter(harness.api)
    let start = await harness.sim.now.secondsDouble
    let outcome = try await harness.apply(GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4"), api: counter)
    guard case .applied(let record, _) = outcome else { Issue.record("\(outcome)"); return }
    #expect(record.status == .deployed)
    let seconds = await harness.sim.now.secondsDouble - start
    // Two 300 s steps: a 2 s poll would read the Deployment some 300 times.
    #expect(seconds > 600)
    #expect(counter.count("watch", "Pod") > 0 && counter.count("watch", "Deployment") > 0)
    #expect(counter.count("get", "Deployment") < Int(seconds / 2) / 5, "\(counter.count("get", "Deployment")) reads in \(seconds) s")
    if route == .inProcess { #expect(await harness.sim.openWatches == 0) }
  }

  @Test func noWatchIsLeftOpenWhenTheRolloutFailsAndIsRolledBack() async throws {
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    let counter = CallCounter(harness.api)
    await #expect(throws: RolloutError.self) {
      _ = try await harness.apply(GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4-crash"), api: counter)
    }
    #expect(counter.count("watch", "Pod") > 0)
    #expect(await harness.sim.openWatches == 0)
    #expect(await harness.sim.pendingSleepers == 0)
  }

  @Test func noWatchIsLeftOpenWhenTheRolloutIsCancelled() async throws {
    struct Stop: Error {}
    let harness = try await WorkflowHarness.make(.inProcess)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    let next = GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4")
    let counter = CallCounter(harness.api)
    let wallClock = harness.wallClock
    let metrics = SimulatedMetrics(sim: harness.sim)
    await #expect(throws: Stop.self) {
      try await harness.sim.run { clock in
        try await withThrowingTaskGroup(of: Void.self) { group in
          group.addTask {
            _ = try await ReleaseRunner(api: counter, clock: clock, wallClock: wallClock, observer: CollectingObserver(), metrics: metrics)
              .apply(environment: next.name, rendered: next.objects, source: next.source, settings: next.settings) { _, _ in true }
            counter.end()
          }
          group.addTask {
            // Not a sleeper: a second one would let the driver move time while the rollout works.
            while counter.count("watch", "Pod") == 0 && !counter.isEnded { await Task.yield() }
            throw Stop()
          }
          try await group.next()
        }
      }
    }
    #expect(counter.count("watch", "Pod") > 0)
    #expect(await harness.sim.openWatches == 0)
    #expect(await harness.sim.pendingSleepers == 0)
  }
}

/// Reacting at the instant of each watched change keeps a rollout replayable: the same
/// scenario and seed give the same trace, also when one request in ten fails (watches too).
@Suite struct WatchedRolloutReplayTests {
  func trace(faults: Bool) async throws -> Trace {
    let yaml = DefaultScenario.yaml + (faults ? "\nfaults:\n  - {verb: \"*\", rate: 0.1, code: 503}\n" : "")
    let sim = KubeSim(scenario: try Scenario(yaml: yaml, file: "replay.yaml"))
    let harness = try await WorkflowHarness.make(.inProcess, sim: sim)
    let context = try await WorkflowHarness.example()
    _ = try await harness.apply(context)
    _ = try await harness.apply(GPURolloutTests.withImage(context, "vllm/vllm-openai:v0.6.4"))
    return await sim.trace
  }

  @Test(arguments: [false, true])
  func theSameRolloutGivesTheSameTrace(faults: Bool) async throws {
    let first = try await trace(faults: faults)
    for _ in 0..<3 {
      let again = try await trace(faults: faults)
      #expect(again == first, "first difference: \(zip(again.entries, first.entries).first { $0 != $1 }.map { "\($0) vs \($1)" } ?? "in length")")
    }
  }
}
