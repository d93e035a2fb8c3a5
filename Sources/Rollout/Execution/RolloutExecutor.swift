public import EnvironmentRepo
public import Kube
public import Manifest
public import Metrics

/// Follows an applied rollout to its end and judges it: the steps the plan set as each
/// Deployment's strategy, re-planned when a surge pod turns out unschedulable; the pod gates
/// (crash loops, image pulls, OOM kills, restarts, readiness never reached, the progress
/// deadline) on the new revision's pods; then the bake, during which the metric gates must
/// hold. Reads and writes through `KubeAPI` alone; time comes from the injected clock.
public struct RolloutExecutor: Sendable {
  /// A workload being followed.
  public struct Workload: Sendable {
    public var id: ResourceID
    /// Git's object (what the rollout restores when it steered the strategy).
    public var desired: Value
    /// The plan's entry for a rolling Deployment; nil for other kinds or when none was planned.
    public var entry: RolloutPlan.Entry?
    /// Whether the applied object carries the plan's step as its strategy.
    public var steered: Bool
    public var replicasOwnedByAutoscaler: Bool
    public var isNew: Bool { entry?.isNew ?? false }

    public init(id: ResourceID, desired: Value, entry: RolloutPlan.Entry?, steered: Bool, replicasOwnedByAutoscaler: Bool = false) {
      self.id = id
      self.desired = desired
      self.entry = entry
      self.steered = steered
      self.replicasOwnedByAutoscaler = replicasOwnedByAutoscaler
    }
  }

  public let api: any KubeAPI
  public let clock: any Clock<Duration>
  public let observer: any ApplyObserver
  public let fieldManager: String
  public let policy: RolloutConfig
  public let metrics: (any MetricsSource)?
  public let wallClock: any WallClock
  /// How long the follower waits for a change before it reads anyway. Changes come by watch
  /// (a FailedScheduling surge pod, a pod turning Ready: seen at once), so this only bounds the
  /// wait when a watch fails or ends; it also paces the lock's renewal (a 60 s lease), and
  /// the periodic progress report.
  public var resyncInterval: Duration = .seconds(30)
  /// Progress is printed on every change, and at least this often.
  public var reportInterval: Duration = .seconds(30)
  /// Whether to bake and evaluate metric gates (a rollback only needs its pods healthy).
  public var bake: Bool = true

  public init(
    api: any KubeAPI, clock: any Clock<Duration>, observer: any ApplyObserver, fieldManager: String, policy: RolloutConfig,
    metrics: (any MetricsSource)?, wallClock: any WallClock
  ) {
    self.api = api
    self.clock = clock
    self.observer = observer
    self.fieldManager = fieldManager
    self.policy = policy
    self.metrics = metrics
    self.wallClock = wallClock
  }

  /// Returns when every workload rolled out and the bake held; throws `.gateFailed` with the
  /// evidence otherwise. Steered strategies are restored to git's on success; on failure the
  /// caller decides (a rollback re-applies the previous objects, strategy included).
  public func run(_ workloads: [Workload], heartbeat: @Sendable () async -> Void) async throws(RolloutError) {
    guard !workloads.isEmpty else { return }
    let stopwatch = Stopwatch(clock)
    var followers = workloads.map { WorkloadFollower(workload: $0, policy: policy) }
    for follower in followers where follower.workload.entry != nil {
      if let entry = follower.workload.entry { await observer.report(.rolloutStarted(follower.workload.id, entry.step, steps: entry.steps, eta: entry.eta)) }
    }
    while followers.contains(where: { !$0.done }) {
      await heartbeat()
      for index in followers.indices where !followers[index].done {
        let outcome = try await followers[index].poll(api: api, at: stopwatch.elapsed)
        switch outcome {
        case .waiting(let report):
          if let report, followers[index].shouldReport(report, at: stopwatch.elapsed, every: reportInterval) {
            await observer.report(.rolloutProgress(followers[index].workload.id, report))
          }
        case .replan(let to, let reason):
          try await steer(followers[index].workload, to: to)
          let from = followers[index].step
          followers[index].step = to
          followers[index].workload.steered = true
          await observer.report(.replanned(followers[index].workload.id, from: from, to: to, reason: reason))
        case .done:
          await observer.report(.rolledOut(followers[index].workload.id, elapsed: stopwatch.elapsed))
        case .failed(let failure):
          throw RolloutError.gateFailed(failure)
        }
      }
      guard followers.contains(where: { !$0.done }) else { break }
      try await waitForChange(followers.filter { !$0.done }, stopwatch)
    }
    let steered = followers.map(\.workload).filter(\.steered)
    if bake {
      try await BakePeriod(executor: self, workloads: workloads).run(stopwatch: stopwatch, heartbeat: heartbeat)
    }
    try await restore(steered)
  }

  /// Applies the step as the Deployment's strategy (the re-plan after an unschedulable surge).
  func steer(_ workload: Workload, to step: RolloutStep) async throws(RolloutError) {
    var object = RolloutSteering.steered(workload.desired, step: step)
    if workload.replicasOwnedByAutoscaler { object = try await withLiveReplicas(object, workload.id) }
    do {
      _ = try await api.apply(object, options: ApplyOptions(fieldManager: fieldManager, force: true))
    } catch {
      throw RolloutError.api(error, doing: "changing \(workload.id)'s rollout step to \(step.summary)")
    }
  }

  /// Git's strategy back on each steered Deployment, so a finished rollout leaves `diff` clean.
  public func restore(_ steered: [Workload]) async throws(RolloutError) {
    for workload in steered {
      var object = workload.desired
      if workload.replicasOwnedByAutoscaler { object = try await withLiveReplicas(object, workload.id) }
      do {
        _ = try await api.apply(object, options: ApplyOptions(fieldManager: fieldManager, force: true))
      } catch {
        throw RolloutError.api(error, doing: "restoring git's strategy on \(workload.id)")
      }
    }
  }

  /// The autoscaler may have scaled while the rollout ran: keep its count, not the one read at the start.
  func withLiveReplicas(_ object: Value, _ id: ResourceID) async throws(RolloutError) -> Value {
    do {
      var copy = object
      copy[path: ["spec", "replicas"]] = try await api.get(id)[path: ["spec", "replicas"]]
      return copy
    } catch {
      throw RolloutError.api(error, doing: "reading \(id)'s replicas")
    }
  }

  /// Until what the followers last read changes, a pod's readiness deadline passes, or the resync.
  func waitForChange(_ followers: [WorkloadFollower], _ stopwatch: Stopwatch) async throws(RolloutError) {
    var timeout = resyncInterval
    for deadline in followers.compactMap(\.nextDeadline) { timeout = min(timeout, max(.zero, deadline - stopwatch.elapsed)) }
    var reads: [ChangeWait.Read] = []
    for read in followers.flatMap(\.reads) where !reads.contains(read) { reads.append(read) }
    do {
      _ = try await ChangeWait(api: api).wait(for: reads, upTo: timeout) { try await stopwatch.sleep(for: $0) }
    } catch {
      throw RolloutError.rolloutFailed(reasons: ["interrupted while waiting"])
    }
  }

  func sleep(_ stopwatch: Stopwatch, _ duration: Duration) async throws(RolloutError) {
    do {
      try await stopwatch.sleep(for: duration)
    } catch {
      throw RolloutError.rolloutFailed(reasons: ["interrupted while waiting"])
    }
  }
}
