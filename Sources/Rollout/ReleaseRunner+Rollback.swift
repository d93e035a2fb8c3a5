public import Diff
public import Manifest

extension ReleaseRunner {
  /// `release rollback`: re-applies an earlier release's exact objects (from its record) through
  /// the same preflight, plan, gates and lock as `apply`, as a new revision. `to` nil: the last
  /// release that was deployed before the current one.
  public func rollback(
    environment: String, to revision: Int?, recordNamespace: String, source: ReleaseSource, settings: ApplySettings,
    confirm: @Sendable (ChangeSet, [ResourceID: [Takeover]]) async -> Bool
  ) async throws(RolloutError) -> (target: ReleaseRecord, outcome: ApplyOutcome) {
    let records = try await ReleaseRecordStore(api: api, namespace: recordNamespace, environment: environment).all()
    let target = try Self.rollbackTarget(records, environment: environment, revision: revision)
    var chosen = settings
    // Going back to a release that was healthy is never refused for its pins.
    chosen.unfreeze = true
    chosen.recordNamespace = recordNamespace
    chosen.rollbackTo = target.revision
    let from = ReleaseSource(commit: target.commit, dirty: target.dirty, appliedBy: source.appliedBy, holderIsGone: source.holderIsGone)
    let outcome = try await apply(environment: environment, rendered: target.objects, source: from, settings: chosen, confirm: confirm)
    return (target, outcome)
  }

  static func rollbackTarget(_ records: [ReleaseRecord], environment: String, revision: Int?) throws(RolloutError) -> ReleaseRecord {
    if let revision {
      guard let record = records.first(where: { $0.revision == revision }) else {
        let kept = records.map { String($0.revision) }.joined(separator: ", ")
        throw RolloutError.noRollbackTarget(
          environment: environment, reason: "revision \(revision) is not among its records (kept: \(kept.isEmpty ? "none" : kept))")
      }
      guard record.wasDeployed else {
        throw RolloutError.noRollbackTarget(
          environment: environment, reason: "revision \(revision) never finished deploying (\(record.status.rawValue): \(record.note))")
      }
      return record
    }
    guard let current = records.firstIndex(where: { $0.status == .deployed }) else {
      throw RolloutError.noRollbackTarget(environment: environment, reason: "no release is deployed")
    }
    guard let previous = records[(current + 1)...].first(where: \.wasDeployed) else {
      throw RolloutError.noRollbackTarget(
        environment: environment, reason: "revision \(records[current].revision) is the only deployed release among its records")
    }
    return previous
  }
}
