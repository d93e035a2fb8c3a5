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

  func run(record initial: ReleaseRecord, records: [ReleaseRecord], comparison: ClusterComparer.Result) async throws(RolloutError)
    -> ApplyOutcome
  {
    let heartbeat = LeaseHeartbeat(lock: lock, every: settings.lockDuration / 3, clock: runner.clock, observer: runner.observer)
    return try await body(record: initial, records: records, comparison: comparison, heartbeat: heartbeat)
  }

  private func body(
    record initial: ReleaseRecord, records: [ReleaseRecord], comparison: ClusterComparer.Result, heartbeat: LeaseHeartbeat
  ) async throws(RolloutError)
    -> ApplyOutcome
  {
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
    let actions = Dictionary(changes.objects.map { ($0.id, $0.action) }, uniquingKeysWith: { a, _ in a })
    let applier = ObjectApplier(api: runner.api, fieldManager: settings.fieldManager, clock: runner.clock)
    do {
      let ordered = ApplyOrder.sorted(comparison.desired.map(\.applied))
      let byID = Dictionary(comparison.desired.compactMap { d in d.applied.resourceID.map { ($0, d) } }, uniquingKeysWith: { a, _ in a })
      _ = try await applier.apply(
        ordered.compactMap { $0.resourceID.flatMap { byID[$0] } }, actions: actions, observer: observer, heartbeat: { await heartbeat.beat() })
      for (id, takeovers) in comparison.takeovers.sorted(by: { $0.key < $1.key }) {
        await observer.report(.tookOver(id, takeovers))
      }
      let orphans = changes.objects.filter { $0.action == .prune }.map(\.id)
      if settings.prune {
        try await applier.prune(orphans, observer: observer)
      } else if !orphans.isEmpty {
        await observer.report(.notPruned(orphans))
      }
      let workloads = changes.objects.filter {
        ($0.action == .create || $0.action == .update) && WorkloadProgress.tracks(kind: $0.id.gvk.kind, group: $0.id.gvk.group)
      }.map(\.id)
      try await runner.waiter.waitForRollout(
        of: workloads, api: runner.api, clock: runner.clock, observer: observer, heartbeat: { await heartbeat.beat() })
    } catch {
      record.status = .failed
      record.finishedAt = runner.wallClock.now()
      record.note = "\(error)"
      try await store.update(record)
      await observer.report(.recorded(revision: record.revision, status: .failed))
      throw error
    }
    for previous in records where previous.status == .deployed {
      var superseded = previous
      superseded.status = .superseded
      try await store.update(superseded)
    }
    record.status = .deployed
    record.finishedAt = runner.wallClock.now()
    record.note = "applied \(record.objects.count) objects: \(changes.count(.create)) created, \(changes.count(.update)) updated"
      + (settings.prune ? ", \(changes.count(.prune)) pruned" : "")
    try await store.update(record)
    await observer.report(.recorded(revision: record.revision, status: .deployed))
    try await store.trim(keep: settings.historyMax)
    return .applied(record, changes)
  }
}
