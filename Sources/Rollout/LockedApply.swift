internal import Diff
internal import Foundation
internal import Kube
internal import Manifest

/// The part of an apply that runs while holding the lock, renewing it between steps (phases,
/// polls) rather than from a background task: on a simulated clock a background sleeper would
/// make virtual time race ahead of the work.
struct LockedApply: Sendable {
  let runner: ReleaseRunner
  let lock: EnvironmentLock
  let store: ReleaseRecordStore
  let settings: ApplySettings

  func run(record initial: ReleaseRecord, records: [ReleaseRecord], comparison: ClusterComparer.Result, plan: RolloutPlan)
    async throws(RolloutError) -> ApplyOutcome
  {
    let heartbeat = LeaseHeartbeat(lock: lock, every: settings.lockDuration / 3, clock: runner.clock, observer: runner.observer)
    let observer = runner.observer
    for interrupted in records where interrupted.status == .pending {
      var superseded = interrupted
      superseded.status = .superseded
      superseded.finishedAt = runner.wallClock.now()
      superseded.note = "interrupted before it finished; superseded by revision \(initial.revision)"
      try await store.update(superseded)
      await observer.report(.interruptedReleaseSuperseded(
        revision: interrupted.revision, startedAt: ReleaseRecord.timestamp(interrupted.startedAt), by: interrupted.appliedBy))
    }
    var record = initial
    try await store.create(record)

    let changes = comparison.changeSet
    let rollout = SteeredRollout(comparison: comparison, plan: plan)
    do {
      var prePull = ImagePrePull(api: runner.api, clock: runner.clock, observer: observer, fieldManager: settings.fieldManager)
      await prePull.removeLeftovers(in: Set(comparison.desired.filter { $0.applied.kind == "Deployment" }.compactMap(\.applied.namespace)).sorted())
      if settings.prePull {
        prePull.timeout = .seconds(settings.rollout.prePullTimeoutSeconds)
        let desired = Dictionary(comparison.desired.compactMap { d in d.applied.resourceID.map { ($0, d.applied) } }, uniquingKeysWith: { a, _ in a })
        try await prePull.run(ImagePrePull.targets(plan: plan, desired: desired), heartbeat: { await heartbeat.beat() })
      }
      try await apply(rollout, changes: changes, heartbeat: heartbeat)
      try await executor(bake: true).run(rollout.workloads, heartbeat: { await heartbeat.beat() })
    } catch {
      guard case .gateFailed(let failure) = error else {
        try await finish(&record, .failed, note: "\(error)")
        throw error
      }
      await observer.report(.gateFailed(failure))
      guard settings.rollout.onFailure == .rollback, let previous = records.first(where: { $0.status == .deployed }) else {
        // Nothing to go back to (or the environment says stop): leave it, with git's strategy back.
        do {
          try await executor(bake: false).restore(rollout.workloads.filter { $0.entry != nil && !$0.isNew })
        } catch {
          await observer.report(.warning("could not put git's rollout strategy back (diff shows it until the next apply): \(error)"))
        }
        try await finish(&record, .failed, note: "\(failure)")
        throw error
      }
      record.note = "\(failure); rolling back to revision \(previous.revision)"
      try await store.update(record)
      await observer.report(.rollingBack(toRevision: previous.revision, because: failure))
      let created = changes.objects.filter { $0.action == .create }.map(\.id)
      do {
        try await AutomaticRollback(locked: self, heartbeat: heartbeat).run(to: previous, records: records, removing: created)
      } catch {
        try await finish(&record, .failed, note: "\(failure); the rollback to revision \(previous.revision) failed: \(error)")
        throw RolloutError.rollbackFailed(failure, toRevision: previous.revision, reason: "\(error)")
      }
      if settings.rollout.freezePins { record.frozenPins = rollout.pinsOfRollingDeployments }
      try await finish(&record, .rolledBack, note: "\(failure); rolled back to revision \(previous.revision)")
      await observer.report(.rolledBack(toRevision: previous.revision))
      throw RolloutError.rolledBack(failure, failedRevision: record.revision, toRevision: previous.revision)
    }
    for previous in records where previous.status == .deployed {
      var superseded = previous
      superseded.status = .superseded
      try await store.update(superseded)
    }
    try await finish(
      &record, .deployed,
      note: (settings.rollbackTo.map { "rollback to revision \($0): " } ?? "")
        + (settings.correctionOf.map { "drift correction, restoring revision \($0): " } ?? "") + "applied \(record.objects.count) objects: \(changes.count(.create)) created, \(changes.count(.update)) updated"
        + (settings.prune ? ", \(changes.count(.prune)) pruned" : ""))
    try await store.trim(keep: settings.historyMax)
    return .applied(record, changes)
  }

  /// Writes the objects (rolling Deployments with the plan's step as their strategy), reports
  /// takeovers, prunes when asked.
  func apply(_ rollout: SteeredRollout, changes: ChangeSet, heartbeat: LeaseHeartbeat) async throws(RolloutError) {
    let observer = runner.observer
    let actions = Dictionary(changes.objects.map { ($0.id, $0.action) }, uniquingKeysWith: { a, _ in a })
    let applier = ObjectApplier(api: runner.api, fieldManager: settings.fieldManager, clock: runner.clock)
    _ = try await applier.apply(rollout.ordered, actions: actions, observer: observer, heartbeat: { await heartbeat.beat() })
    for (id, takeovers) in rollout.comparison.takeovers.sorted(by: { $0.key < $1.key }) {
      await observer.report(.tookOver(id, takeovers))
    }
    let orphans = changes.objects.filter { $0.action == .prune }.map(\.id)
    if settings.prune {
      try await applier.prune(orphans, observer: observer)
    } else if !orphans.isEmpty {
      await observer.report(.notPruned(orphans))
    }
  }

  func executor(bake: Bool) -> RolloutExecutor {
    var executor = RolloutExecutor(
      api: runner.api, clock: runner.clock, observer: runner.observer, fieldManager: settings.fieldManager, policy: settings.rollout,
      metrics: runner.metrics, wallClock: runner.wallClock)
    executor.bake = bake
    executor.resyncInterval = runner.resyncInterval
    return executor
  }

  func finish(_ record: inout ReleaseRecord, _ status: ReleaseStatus, note: String) async throws(RolloutError) {
    record.status = status
    record.finishedAt = runner.wallClock.now()
    record.note = note
    try await store.update(record)
    await runner.observer.report(.recorded(revision: record.revision, status: status))
  }
}
