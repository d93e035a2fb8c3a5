internal import Diff
internal import Kube
internal import Manifest

/// An apply's objects with the plan folded in: each rolling Deployment carries its step as its
/// strategy, and the workloads to follow remember git's object to restore afterwards.
struct SteeredRollout: Sendable {
  let comparison: ClusterComparer.Result
  /// In apply order, steered where the plan says.
  let ordered: [DesiredObject]
  let workloads: [RolloutExecutor.Workload]
  /// `ns/name` → pins, for each Deployment this rollout rolls (what a rollback freezes).
  let pinsOfRollingDeployments: [String: [String]]

  init(comparison: ClusterComparer.Result, plan: RolloutPlan) {
    self.comparison = comparison
    let entries = Dictionary(plan.entries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    var steeredIDs: Set<ResourceID> = []
    var desired = comparison.desired
    for index in desired.indices {
      guard let id = desired[index].applied.resourceID, let entry = entries[id], !entry.isNew,
        RolloutSteering.canSteer(desired[index].applied)
      else { continue }
      let steered = RolloutSteering.steered(desired[index].applied, step: entry.step)
      if steered != desired[index].applied {
        desired[index].applied = steered
        desired[index].applyIsNoOp = false
        steeredIDs.insert(id)
      }
    }
    let byID = Dictionary(desired.compactMap { d in d.applied.resourceID.map { ($0, d) } }, uniquingKeysWith: { a, _ in a })
    ordered = ApplyOrder.sorted(desired.map(\.applied)).compactMap { $0.resourceID.flatMap { byID[$0] } }
    let gitObjects = Dictionary(comparison.desired.compactMap { d in d.applied.resourceID.map { ($0, d) } }, uniquingKeysWith: { a, _ in a })
    // Changed workloads, and any whose live rollout has not finished: an apply killed
    // mid-rollout left one that the next apply must see through, though git no longer differs.
    let unfinished = Set(comparison.desired.compactMap { object -> ResourceID? in
      guard let live = object.live, let id = live.resourceID, WorkloadProgress.tracks(kind: id.gvk.kind, group: id.gvk.group) else { return nil }
      return WorkloadProgress(of: live).state == .complete ? nil : id
    })
    workloads = comparison.changeSet.objects.filter {
      ($0.action == .create || $0.action == .update || unfinished.contains($0.id))
        && WorkloadProgress.tracks(kind: $0.id.gvk.kind, group: $0.id.gvk.group)
    }.compactMap { change in
      guard let git = gitObjects[change.id] else { return nil }
      return RolloutExecutor.Workload(
        id: change.id, desired: git.applied, entry: entries[change.id], steered: steeredIDs.contains(change.id),
        replicasOwnedByAutoscaler: git.replicasOwnedByAutoscaler)
    }
    var pins: [String: [String]] = [:]
    for entry in plan.entries {
      if let git = gitObjects[entry.id] { pins[VersionPins.key(entry.id)] = VersionPins.of(git.applied) }
    }
    pinsOfRollingDeployments = pins
  }
}
