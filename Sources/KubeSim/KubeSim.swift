public import Kube
public import Manifest

/// The simulated cluster behind `KubeAPI`. Every call runs the controllers to quiescence at
/// the current virtual instant; time moves only through `advance(by:)` or while a client
/// sleeps on `clock` inside `run(_:)`. Deterministic for a scenario and seed.
public actor KubeSim: KubeAPI {
  var cluster: SimCluster
  var faults: FaultInjector
  let shared = SharedInstant()
  private var sleepers: [(deadline: SimInstant, order: Int, continuation: CheckedContinuation<Void, Never>)] = []
  private var sleeperOrder = 0
  private var sleeperWaiter: CheckedContinuation<Void, Never>?
  private var watchers: [Int: Watcher] = [:]
  private var watcherCounter = 0
  /// `kubectl logs -f` streams in flight (KubeSim+LogFollow.swift).
  var logFollowers: [Int: LogFollower] = [:]
  var logFollowerCounter = 0

  struct Watcher {
    var gvk: GroupVersionKind
    var namespace: String?
    var after: Int64
    var bookmarks: Bool
    /// Events left before a scenario fault cuts this watch; nil: never.
    var remaining: Int?
    var options: ListOptions
    var continuation: AsyncThrowingStream<WatchEvent, any Error>.Continuation
  }

  public init(scenario: Scenario = DefaultScenario.scenario(), seed: UInt64? = nil) {
    cluster = SimCluster(scenario: scenario, seed: seed)
    faults = FaultInjector(rules: scenario.faults, rng: SplitMix64(seed: (seed ?? scenario.seed) &+ 0x5EED))
    cluster.reconcile()
  }

  init(restoring cluster: SimCluster) {
    self.cluster = cluster
    faults = FaultInjector(rules: cluster.scenario.faults, rng: SplitMix64(seed: cluster.scenario.seed &+ 0x5EED))
    shared.set(cluster.now)
  }

  public nonisolated var clock: SimClock { SimClock(sim: self, current: shared) }
  public var now: SimInstant { cluster.now }
  public var trace: Trace { cluster.trace }
  public var pendingSleepers: Int { sleepers.count }
  public var openWatches: Int { watchers.count }
  public var openLogFollows: Int { logFollowers.count }
  public var objectCount: Int { cluster.api.store.count }

  public func setMetric(_ name: String, image: String? = nil, value: Double) {
    cluster.setMetric(name, image: image, value: value)
    settle()
  }

  // MARK: - Time

  /// Moves virtual time forward, waking sleepers whose deadline passes, in deadline order.
  public func advance(by duration: Duration) {
    advance(to: cluster.now.advanced(by: duration))
  }

  public func advance(to target: SimInstant) {
    while let next = sleepers.map(\.deadline).min(), next <= target {
      moveCluster(to: next)
      wakeSleepers()
    }
    moveCluster(to: target)
  }

  private func moveCluster(to instant: SimInstant) {
    cluster.advance(to: instant)
    shared.set(cluster.now)
    deliverWatchEvents()
    deliverLogLines()
  }

  private func wakeSleepers() {
    let due = sleepers.filter { $0.deadline <= cluster.now }.sorted { ($0.deadline, $0.order) < ($1.deadline, $1.order) }
    sleepers.removeAll { $0.deadline <= cluster.now }
    for sleeper in due { sleeper.continuation.resume() }
  }

  func waitUntil(_ deadline: SimInstant) async {
    if deadline <= cluster.now { return }
    await withCheckedContinuation { continuation in
      sleeperOrder += 1
      sleepers.append((deadline, sleeperOrder, continuation))
      sleeperWaiter?.resume()
      sleeperWaiter = nil
    }
  }

  private func waitForSleeper() async {
    if !sleepers.isEmpty { return }
    await withCheckedContinuation { sleeperWaiter = $0 }
  }

  /// Runs a client (e.g. a rollout) against the simulation, advancing virtual time each time
  /// the client sleeps on `clock`: a 300 s readiness wait takes milliseconds.
  public func run<T: Sendable>(_ body: @escaping @Sendable (SimClock) async throws -> T) async throws -> T {
    let clock = self.clock
    return try await withThrowingTaskGroup(of: T?.self) { group in
      group.addTask { try await body(clock) }
      group.addTask { [self] in
        while !Task.isCancelled {
          await self.waitForSleeper()
          if Task.isCancelled { break }
          await self.advanceToNextSleeper()
        }
        return nil
      }
      var result: T?
      do {
        for try await value in group {
          if let value {
            result = value
            group.cancelAll()
            self.releaseDriver()
          }
        }
      } catch {
        // The driver may be parked waiting for a sleeper that will never come: wake it, or
        // the group would wait for it forever.
        group.cancelAll()
        self.releaseDriver()
        throw error
      }
      guard let result else { throw KubeError.internalError("client finished without a result") }
      return result
    }
  }

  private func advanceToNextSleeper() {
    guard let next = sleepers.map(\.deadline).min() else { return }
    advance(to: next)
  }

  private func releaseDriver() {
    sleeperWaiter?.resume()
    sleeperWaiter = nil
  }

  func settle() {
    cluster.reconcile()
    deliverWatchEvents()
    deliverLogLines()
  }

  // MARK: - Watches

  private func deliverWatchEvents() {
    for (id, watcher) in watchers {
      do {
        let events = try selectedChanges(watcher.gvk, namespace: watcher.namespace, after: watcher.after, options: watcher.options)
        if let remaining = watcher.remaining, events.count >= remaining {
          for event in events.prefix(remaining) { watcher.continuation.yield(event) }
          watcher.continuation.finish()
          watchers[id] = nil
          continue
        }
        for event in events { watcher.continuation.yield(event) }
        watchers[id]?.remaining = watcher.remaining.map { $0 - events.count }
        let version = cluster.api.store.resourceVersion
        // A BOOKMARK tells the client how far it is caught up, so a reconnect after a drop
        // resumes from there instead of relisting (sent when the client asked for them).
        if watcher.bookmarks && version > watcher.after {
          watcher.continuation.yield(WatchEvent(type: .bookmark, object: Self.bookmark(watcher.gvk, version)))
        }
        watchers[id]?.after = version
      } catch {
        watcher.continuation.finish(throwing: error)
        watchers[id] = nil
      }
    }
  }

  private func removeWatcher(_ id: Int) { watchers[id] = nil }

  /// Changes whose object passes the watch's label and field selectors (as a list would).
  private func selectedChanges(_ gvk: GroupVersionKind, namespace: String?, after: Int64, options: ListOptions) throws(KubeError)
    -> [WatchEvent]
  {
    let changes = try cluster.api.changes(of: gvk, namespace: namespace, after: after)
    let noSelectors = (options.labelSelector ?? "").isEmpty && (options.fieldSelector ?? "").isEmpty
    if noSelectors { return changes }
    var kept: [WatchEvent] = []
    for event in changes where try !cluster.api.selected([event.object], kind: gvk.kind, options: options).isEmpty { kept.append(event) }
    return kept
  }

  static func bookmark(_ gvk: GroupVersionKind, _ version: Int64) -> Value {
    ["apiVersion": .string(gvk.apiVersion), "kind": .string(gvk.kind), "metadata": ["resourceVersion": .string(String(version))]]
  }

  // MARK: - KubeAPI

  public func discovery() async throws(KubeError) -> [APIResourceInfo] { BuiltinResources.all }

  public func get(_ id: ResourceID, subresource: String?) async throws(KubeError) -> Value {
    try faults.check("get")
    let resolved = try cluster.api.normalizedStoredID(id)
    if subresource == "scale" { return try cluster.api.scale(resolved) }
    return try cluster.api.get(resolved)
  }

  public func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError) -> ObjectList {
    try faults.check("list")
    return try cluster.api.list(gvk, namespace: namespace, options: options)
  }

  public func watch(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError)
    -> AsyncThrowingStream<WatchEvent, any Error>
  {
    try faults.check("watch")
    let after = Int64(options.resourceVersion ?? "") ?? cluster.api.store.resourceVersion
    let initial = try selectedChanges(gvk, namespace: namespace, after: after, options: options)
    watcherCounter += 1
    let id = watcherCounter
    let (stream, continuation) = AsyncThrowingStream<WatchEvent, any Error>.makeStream()
    let limit = faults.watchEventLimit()
    if let limit, initial.count >= limit {
      for event in initial.prefix(limit) { continuation.yield(event) }
      continuation.finish()
      return stream
    }
    for event in initial { continuation.yield(event) }
    watchers[id] = Watcher(
      gvk: gvk, namespace: namespace, after: cluster.api.store.resourceVersion, bookmarks: options.allowWatchBookmarks,
      remaining: limit.map { $0 - initial.count }, options: options, continuation: continuation)
    continuation.onTermination = { [weak self] _ in
      guard let self else { return }
      Task { await self.removeWatcher(id) }
    }
    return stream
  }

  public func create(_ object: Value, options: WriteOptions) async throws(KubeError) -> Value {
    try faults.check("create")
    let result = try cluster.api.create(object, manager: options.fieldManager, dryRun: options.dryRun, now: cluster.now)
    if !options.dryRun { settle() }
    return result
  }

  public func update(_ object: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    try faults.check("update")
    let result = try cluster.api.update(object, subresource: subresource, manager: options.fieldManager, dryRun: options.dryRun, now: cluster.now)
    if !options.dryRun { settle() }
    return result
  }

  public func apply(_ object: Value, options: ApplyOptions) async throws(KubeError) -> Value {
    try faults.check("apply")
    let result = try cluster.api.apply(object, manager: options.fieldManager, force: options.force, dryRun: options.dryRun, now: cluster.now)
    if !options.dryRun { settle() }
    return result
  }

  public func patch(_ id: ResourceID, type: PatchType, body: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    try faults.check("patch")
    let result = try cluster.api.patch(id, type: type, body: body, subresource: subresource, manager: options.fieldManager, dryRun: options.dryRun, now: cluster.now)
    if !options.dryRun { settle() }
    return result
  }

  public func delete(_ id: ResourceID, options: DeleteOptions) async throws(KubeError) -> Value? {
    try faults.check("delete")
    let result = try cluster.api.delete(id, options: options, now: cluster.now)
    if !options.dryRun { settle() }
    return result
  }

  public func evict(_ pod: ResourceID, options: DeleteOptions) async throws(KubeError) {
    try faults.check("evict")
    let before = try cluster.api.get(try cluster.api.normalizedStoredID(pod))
    try cluster.api.evict(pod, options: options, now: cluster.now)
    if !options.dryRun {
      cluster.trace.record(.evicted, before, at: cluster.now)
      settle()
    }
  }
}
