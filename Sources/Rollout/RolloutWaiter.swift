public import Kube
public import Manifest

/// How `apply` waits for its workloads once their objects are applied. The seam where the
/// GPU-aware rollout (plan, health gates, rollback) replaces the plain wait.
public protocol RolloutWaiter: Sendable {
  /// Returns when every workload rolled out; throws `.rolloutFailed` naming why not.
  /// `heartbeat` runs on every poll (the lock's renewal).
  func waitForRollout(
    of workloads: [ResourceID], api: any KubeAPI, clock: any Clock<Duration>, observer: any ApplyObserver,
    heartbeat: @Sendable () async -> Void
  ) async throws(RolloutError)
}

/// Waits as `kubectl rollout status` does: until each workload's observed generation, updated
/// and available replicas say it is done, or its own progress deadline is exceeded.
public struct PlainRolloutWaiter: RolloutWaiter {
  public var pollInterval: Duration
  /// Printed progress at most this often per workload (and on every change).
  public var reportInterval: Duration

  public init(pollInterval: Duration = .seconds(2), reportInterval: Duration = .seconds(30)) {
    self.pollInterval = pollInterval
    self.reportInterval = reportInterval
  }

  public func waitForRollout(
    of workloads: [ResourceID], api: any KubeAPI, clock: any Clock<Duration>, observer: any ApplyObserver,
    heartbeat: @Sendable () async -> Void
  ) async throws(RolloutError) {
    guard !workloads.isEmpty else { return }
    let stopwatch = Stopwatch(clock)
    var pending = workloads
    var last: [ResourceID: (WorkloadProgress, Duration)] = [:]
    var failures: [String] = []
    // A backstop in case a workload has no progress deadline of its own (StatefulSets,
    // DaemonSets): the longest deadline, twice over.
    var limit = Duration.seconds(1200)
    while !pending.isEmpty {
      await heartbeat()
      var still: [ResourceID] = []
      for id in pending {
        let object: Value
        do {
          object = try await api.get(id)
        } catch {
          throw RolloutError.api(error, doing: "reading \(id) while waiting for its rollout")
        }
        if let deadline = object[path: ["spec", "progressDeadlineSeconds"]]?.intValue {
          limit = max(limit, .seconds(deadline * 2))
        }
        let progress = WorkloadProgress(of: object)
        let elapsed = stopwatch.elapsed
        switch progress.state {
        case .complete:
          await observer.report(.rolledOut(id, elapsed: elapsed))
        case .deadlineExceeded:
          failures.append("\(id): \(progress.message) (\(progress.available) of \(progress.desired) available)")
        case .progressing, .notObserved:
          if elapsed > limit {
            failures.append("\(id): not rolled out after \(elapsed.components.seconds) s: \(progress.message)")
            continue
          }
          if let previous = last[id], previous.0 == progress, elapsed - previous.1 < reportInterval {
          } else {
            await observer.report(.progress(id, progress, elapsed: elapsed))
            last[id] = (progress, elapsed)
          }
          still.append(id)
        }
      }
      pending = still
      if pending.isEmpty { break }
      do {
        try await stopwatch.sleep(for: pollInterval)
      } catch {
        throw RolloutError.rolloutFailed(reasons: ["interrupted while waiting"])
      }
    }
    if !failures.isEmpty { throw RolloutError.rolloutFailed(reasons: failures) }
  }
}
