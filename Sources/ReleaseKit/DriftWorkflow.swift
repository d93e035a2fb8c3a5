public import Diff
public import Kube
public import Manifest
public import Rollout

/// `release drift`: the environment's objects classified against its last deployed release
/// (read-only), and `--correct`, which restores what drifted through the normal rollout.
public enum DriftWorkflow {
  public struct Check: Sendable {
    public var report: DriftReport
    /// The release drift was measured against; nil when none was ever deployed.
    public var release: ReleaseRecord?
  }

  /// One LIST per kind and namespace of the last release, one labelled LIST per kind for
  /// what is tracked (git's kinds included, for orphans), dry runs only where the live object
  /// does not prove itself unchanged (`NoOpApply`). Writes nothing.
  /// `sharing`: LISTs shared with the other environments checked in this run on the same
  /// cluster (read-only runs only).
  public static func check(_ context: EnvironmentContext, api: any KubeAPI, sharing: SharedListing? = nil) async throws(ReleaseFailure) -> Check {
    do {
      let namespace = try DiffWorkflow.recordNamespace(context)
      let last = try await ReleaseRecordStore(api: api, namespace: namespace, environment: context.name).lastDeployed()
      let objects = last?.objects ?? []
      var comparer = ClusterComparer(api: api)
      // The drift CronJob's role reads only (templates/drift-cronjob): no dry-run patches.
      comparer.compareLocallyWhenForbidden = true
      comparer.sharedListing = sharing
      let comparison = try await comparer.observe(
        environment: context.name, rendered: objects, lastApplied: objects, alsoTracking: context.objects)
      let release = last.map { DriftClassifier.Release(revision: $0.revision, commit: $0.commit, objects: $0.objects) }
      let report = DriftClassifier.classify(environment: context.name, rendered: context.objects, release: release, comparison: comparison)
      return Check(report: report, release: last)
    } catch let error as RolloutError {
      throw error.failure
    } catch let error as DiffError {
      throw error.failure
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
  }

  /// What `--correct` hands `ReleaseRunner.apply`, and why.
  ///
  /// Without pending changes the runner is given the last release's objects, all of them,
  /// from its record, as `rollback` does: compared with the cluster, exactly the drifted
  /// fields and missing objects differ, so exactly those are applied (unchanged objects are
  /// proven no-ops), with the plan, gates and automatic rollback of any apply; git's pending
  /// changes are not in those objects, so they cannot leak in. All of them, not only the
  /// drifted ones: the runner records what it applied as the new release, and a release of
  /// only the corrected objects would make the rest look orphaned and, with prune, deleted.
  /// Orphans are reported, never deleted here (`prune` is off): deleting is `apply --prune`'s
  /// decision. With `includePending` it is a plain apply of git's objects.
  public struct Correction: Sendable {
    public var rendered: [Value]
    public var source: ReleaseSource
    public var settings: ApplySettings
  }

  /// nil: nothing to correct (no drifted or missing object; orphans are only reported).
  public static func correction(_ context: EnvironmentContext, check: Check, includePending: Bool) -> Correction? {
    if includePending {
      guard check.report.hasDrift(includingPending: true) else { return nil }
      return Correction(rendered: context.objects, source: context.source, settings: context.settings)
    }
    guard let release = check.release,
      check.report.findings.contains(where: { $0.driftClass == .drifted || $0.driftClass == .missing })
    else { return nil }
    var settings = context.settings
    settings.prune = false
    // The release that serves is never refused for its pins.
    settings.unfreeze = true
    settings.correctionOf = release.revision
    let source = ReleaseSource(
      commit: release.commit, dirty: release.dirty, appliedBy: context.source.appliedBy, holderIsGone: context.source.holderIsGone)
    return Correction(rendered: release.objects, source: source, settings: settings)
  }

  /// Applies the correction through `ReleaseRunner` (lock, plan, gates, rollback, record).
  public static func correct(
    _ context: EnvironmentContext, _ correction: Correction, runner: ReleaseRunner
  ) async throws(ReleaseFailure) -> ApplyOutcome {
    do {
      return try await runner.apply(
        environment: context.name, rendered: correction.rendered, source: correction.source, settings: correction.settings
      ) { _, _ in true }
    } catch {
      throw error.failure
    }
  }
}
