internal import Diff
internal import Foundation
internal import Kube
internal import Manifest

/// The part of an apply that runs while holding the lock, renewing it as it goes.
struct LockedApply: Sendable {
  let runner: ReleaseRunner
  let lock: EnvironmentLock
  let store: ReleaseRecordStore
  let settings: ApplySettings

  func run(record initial: ReleaseRecord, records: [ReleaseRecord], comparison: ClusterComparer.Result) async throws(RolloutError)
    -> ApplyOutcome
  {
    let renewEvery = settings.lockDuration / 3
    let stopwatch = Stopwatch(runner.clock)
    let lock = self.lock
    let result: Swift.Result<ApplyOutcome, RolloutError> = await withTaskGroup(of: Swift.Result<ApplyOutcome, RolloutError>?.self) { group in
      group.addTask {
        while !Task.isCancelled {
          do {
            try await stopwatch.sleep(for: renewEvery)
          } catch {
            return nil
          }
          if Task.isCancelled { return nil }
          do {
            try await lock.renew()
          } catch {
            await runner.observer.report(.warning("renewing the lock failed: \(error)"))
          }
        }
        return nil
      }
      group.addTask { await attempt(record: initial, records: records, comparison: comparison) }
      var outcome: Swift.Result<ApplyOutcome, RolloutError> = .failure(.rolloutFailed(reasons: ["no result"]))
      while let next = await group.next() {
        if let next {
          outcome = next
          group.cancelAll()
        }
      }
      return outcome
    }
    return try result.get()
  }

  private func attempt(record: ReleaseRecord, records: [ReleaseRecord], comparison: ClusterComparer.Result) async
    -> Swift.Result<ApplyOutcome, RolloutError>
  {
    do {
      return .success(try await body(record: record, records: records, comparison: comparison))
    } catch {
      return .failure(error)
    }
  }

  private func body(record initial: ReleaseRecord, records: [ReleaseRecord], comparison: ClusterComparer.Result) async throws(RolloutError)
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
      _ = try await applier.apply(ordered.compactMap { $0.resourceID.flatMap { byID[$0] } }, actions: actions, observer: observer)
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
      try await runner.waiter.waitForRollout(of: workloads, api: runner.api, clock: runner.clock, observer: observer)
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
