public import Diff
internal import Foundation
public import Kube
public import Manifest
public import Metrics

/// One `apply` from start to end: preflight (compare and dry-run everything, check the record
/// fits) before any write; then lock, record, apply in order, prune, wait for the rollout,
/// record the outcome, unlock. All-or-nothing up to the first write; after it, every failure
/// is recorded and says what was applied.
public struct ReleaseRunner: Sendable {
  public let api: any KubeAPI
  public let clock: any Clock<Duration>
  public let wallClock: any WallClock
  public let observer: any ApplyObserver
  /// Where metric gates are evaluated; nil: configured gates see no data.
  public let metrics: (any MetricsSource)?
  /// How long the rollout's follower waits for a watched change before reading anyway.
  public var resyncInterval: Duration = .seconds(30)

  public init(
    api: any KubeAPI, clock: any Clock<Duration>, wallClock: any WallClock, observer: any ApplyObserver, metrics: (any MetricsSource)? = nil
  ) {
    // A flaky control plane must not fail a 20-minute rollout: transient errors are retried
    // where a retry cannot take effect twice.
    self.api = TransientRetry(api, clock: clock)
    self.clock = clock
    self.wallClock = wallClock
    self.observer = observer
    self.metrics = metrics
  }

  /// `confirm` sees the change set and the fields to be taken over; false stops without writing.
  public func apply(
    environment: String, rendered: [Value], source: ReleaseSource, settings: ApplySettings,
    confirm: @Sendable (ChangeSet, [ResourceID: [Takeover]]) async -> Bool
  ) async throws(RolloutError) -> ApplyOutcome {
    let namespace = try Self.recordNamespace(settings.recordNamespace, rendered: rendered)
    let store = ReleaseRecordStore(api: api, namespace: namespace, environment: environment)
    var records = try await store.all()
    var comparison = try await compare(environment, rendered, records: records, manager: settings.fieldManager)
    // A Deployment with no GPU- and PDB-safe step would stall or break its budget: exit 5
    // before any change; so does a version that was rolled back before.
    var plan = try await self.plan(environment, comparison, settings: settings)
    if !settings.unfreeze {
      let frozen = FrozenPinCheck.refusals(comparison, records: records)
      if !frozen.isEmpty { throw RolloutError.frozen(reasons: frozen) }
    }
    let recordNamespaceLive = try await exists(namespace)
    let createsRecordNamespace = comparison.desired.contains { $0.applied.kind == "Namespace" && $0.applied.name == namespace }
    if !recordNamespaceLive && !createsRecordNamespace { throw RolloutError.missingRecordNamespace(namespace) }
    var record = makeRecord(environment, revision: (records.first?.revision ?? 0) + 1, comparison: comparison, source: source)
    _ = try record.secret(namespace: namespace)  // refuses an oversized record before any write

    if settings.dryRun { return .dryRun(comparison.changeSet) }
    guard await confirm(comparison.changeSet, comparison.takeovers) else { return .declined(comparison.changeSet) }

    if !recordNamespaceLive, let object = comparison.desired.first(where: { $0.applied.kind == "Namespace" && $0.applied.name == namespace }) {
      do {
        _ = try await api.apply(object.applied, options: ApplyOptions(fieldManager: settings.fieldManager, force: true))
      } catch {
        throw RolloutError.api(error, doing: "creating namespace \(namespace) for the release records")
      }
    }
    let lock = EnvironmentLock(
      api: api, namespace: namespace, environment: environment, holder: source.appliedBy, duration: settings.lockDuration,
      wallClock: wallClock, holderIsGone: source.holderIsGone)
    if let warning = try await lock.acquire() { await observer.report(.warning(warning)) }
    let outcome: Swift.Result<ApplyOutcome, RolloutError>
    do {
      // Another apply may have finished between our read and the lock: compare again.
      let latest = try await store.all()
      if latest.first?.revision != records.first?.revision {
        records = latest
        comparison = try await compare(environment, rendered, records: records, manager: settings.fieldManager)
        plan = try await self.plan(environment, comparison, settings: settings)
        record = makeRecord(environment, revision: (records.first?.revision ?? 0) + 1, comparison: comparison, source: source)
      }
      let locked = LockedApply(runner: self, lock: lock, store: store, settings: settings)
      outcome = .success(try await locked.run(record: record, records: records, comparison: comparison, plan: plan))
    } catch {
      outcome = .failure(error)
    }
    do {
      try await lock.release()
    } catch {
      await observer.report(.warning("could not release the lock (it expires by itself): \(error)"))
    }
    return try outcome.get()
  }

  func compare(_ environment: String, _ rendered: [Value], records: [ReleaseRecord], manager: String) async throws(RolloutError)
    -> ClusterComparer.Result
  {
    let last = records.first { $0.status == .deployed }?.objects ?? []
    do {
      return try await ClusterComparer(api: api, fieldManager: manager).compare(environment: environment, rendered: rendered, lastApplied: last)
    } catch {
      throw RolloutError.preflight(error)
    }
  }

  /// The rollout plan for this comparison; throws `.blocked` when a Deployment has no safe step.
  func plan(_ environment: String, _ comparison: ClusterComparer.Result, settings: ApplySettings, blockedIsError: Bool = true)
    async throws(RolloutError) -> RolloutPlan
  {
    let inputs = try await PlanInputsReader(api: api, fieldManager: settings.fieldManager).read(comparison)
    let plan = RolloutPlanner(allowDowntime: settings.allowDowntime).plan(environment: environment, candidates: inputs.candidates, cluster: inputs.cluster)
    if blockedIsError && plan.isBlocked { throw RolloutError.blocked(reasons: plan.blockedReasons) }
    return plan
  }

  func makeRecord(_ environment: String, revision: Int, comparison: ClusterComparer.Result, source: ReleaseSource) -> ReleaseRecord {
    let objects = ApplyOrder.sorted(comparison.desired.map(\.applied))
    return ReleaseRecord(
      environment: environment, revision: revision, status: .pending, commit: source.commit, dirty: source.dirty,
      manifestDigest: ManifestDigest.of(objects), startedAt: wallClock.now(), finishedAt: nil, appliedBy: source.appliedBy,
      takeovers: comparison.takeovers, note: "applying", objects: objects)
  }

  func exists(_ namespace: String) async throws(RolloutError) -> Bool {
    do {
      _ = try await api.get(ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "Namespace"), namespace: nil, name: namespace))
      return true
    } catch where error.isNotFound {
      return false
    } catch {
      throw RolloutError.api(error, doing: "reading namespace \(namespace)")
    }
  }

  /// The namespace named in release.yaml, else the one namespace the environment's objects live in.
  public static func recordNamespace(_ configured: String?, rendered: [Value]) throws(RolloutError) -> String {
    if let configured { return configured }
    let namespaces = Set(rendered.compactMap(\.namespace))
    if namespaces.count == 1, let only = namespaces.first { return only }
    let created = rendered.filter { $0.kind == "Namespace" }.compactMap(\.name)
    if created.count == 1, let only = created.first { return only }
    throw RolloutError.preflight(.api(.configuration(
      "the environment's objects span \(namespaces.count) namespaces (\(namespaces.sorted().joined(separator: ", "))); "
        + "set records.namespace in release.yaml to say where its release records and lock live"),
      doing: "choosing where to keep release records"))
  }
}
