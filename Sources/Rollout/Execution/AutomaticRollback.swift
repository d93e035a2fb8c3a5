internal import Diff
internal import Kube
internal import Manifest

/// Re-applies the last good release's exact objects (from its record) after a failed gate,
/// with a plan of its own computed now (never the failed rollout's leftovers), and waits until
/// its pods are healthy. Objects the failed release created are deleted.
struct AutomaticRollback: Sendable {
  let locked: LockedApply
  let heartbeat: LeaseHeartbeat

  func run(to previous: ReleaseRecord, records: [ReleaseRecord], removing created: [ResourceID]) async throws(RolloutError) {
    let runner = locked.runner
    let settings = locked.settings
    let comparison = try await runner.compare(previous.environment, previous.objects, records: records, manager: settings.fieldManager)
    var rollbackSettings = settings
    // Going back is never worse than staying: the failed revision's pods are the unhealthy ones.
    rollbackSettings.allowDowntime = true
    var plan = try await runner.plan(previous.environment, comparison, settings: rollbackSettings, blockedIsError: false)
    plan = Self.unblocked(plan)
    let rollout = SteeredRollout(comparison: comparison, plan: plan)
    try await locked.apply(rollout, changes: comparison.changeSet, heartbeat: heartbeat)
    let applier = ObjectApplier(api: runner.api, fieldManager: settings.fieldManager, clock: runner.clock)
    let kept = Set(previous.objects.compactMap(\.resourceID))
    try await applier.prune(created.filter { !kept.contains($0) }, observer: runner.observer)
    try await locked.executor(bake: false).run(rollout.workloads, heartbeat: { await heartbeat.beat() })
  }

  /// A blocked entry steps one pod at a time: the Deployment controller removes the failed
  /// revision's unavailable pods before any available one, so availability does not drop below
  /// what the failure already left.
  static func unblocked(_ plan: RolloutPlan) -> RolloutPlan {
    var copy = plan
    for index in copy.entries.indices where copy.entries[index].isBlocked {
      copy.entries[index].step = .inPlace(1)
      copy.entries[index].steps = max(1, copy.entries[index].replicas)
    }
    return copy
  }
}
