public import Kube
public import Manifest

/// The simulated cluster behind `KubeAPI`. Every call runs the controllers to quiescence at
/// the current virtual instant; time moves only through `advance(by:)` or while a client
/// sleeps on `clock` inside `run(_:)`. Deterministic for a scenario and seed.
public actor KubeSim: KubeAPI {
  var cluster: SimCluster
  var faults: FaultInjector
  let shared = SharedInstant()
  /// Sleepers and parked watch consumers, shared with their cancellation handlers.
  let parking = SimParking()
  private var watchers: [Int: Watcher] = [:]
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
    /// Events the consumer has not asked for yet, oldest first.
    var pending: [WatchEvent] = []
    /// The stream ends once `pending` is drained (with `failure`, if set).
    var ended = false
    var failure: KubeError?
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
  public var pendingSleepers: Int { parking.sleeperCount }
  public var openWatches: Int { parking.openCount }
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
    while let next = parking.earliestDeadline, next <= target {
      moveCluster(to: next)
      wakeSleepers()
    }
    moveCluster(to: target)
  }

  /// Returns whether a parked watch consumer was handed an event.
  @discardableResult
  private func moveCluster(to instant: SimInstant) -> Bool {
    cluster.advance(to: instant)
    shared.set(cluster.now)
    defer { deliverLogLines() }
    return deliverWatchEvents()
  }

  private func wakeSleepers() {
    for sleeper in parking.takeSleepers(dueAt: cluster.now) { sleeper.continuation.resume() }
  }

  /// Returns at `deadline`, or at once when the task is cancelled (the sleep is unregistered
  /// before this returns, so the driver never moves time for it).
  func waitUntil(_ deadline: SimInstant) async {
    if deadline <= cluster.now { return }
    let id = parking.newID()
    let parking = self.parking
    await withTaskCancellationHandler {
      await withCheckedContinuation { parking.addSleeper(id: id, deadline: deadline, continuation: $0) }
    } onCancel: {
      parking.cancelSleeper(id)
    }
  }

  /// Runs a client (e.g. a rollout) against the simulation. Virtual time moves only while the
  /// client is quiescent (it sleeps on `clock`, and every watch it holds open waits for its
  /// next event), one controller wake-up at a time: when a wake-up hands a waiting consumer
  /// an event, time stays at that instant until the client is quiescent again. So a client
  /// reacts at the virtual instant of the event, and a 300 s readiness wait takes milliseconds.
  public func run<T: Sendable>(_ body: @escaping @Sendable (SimClock) async throws -> T) async throws -> T {
    let clock = self.clock
    let parking = self.parking
    return try await withThrowingTaskGroup(of: T?.self) { group in
      group.addTask { try await body(clock) }
      group.addTask { [self] in
        while !Task.isCancelled {
          await parking.waitForQuiescence()
          if Task.isCancelled { break }
          await self.step()
        }
        return nil
      }
      var result: T?
      do {
        for try await value in group {
          if let value {
            result = value
            group.cancelAll()
            parking.releaseDriver()
          }
        }
      } catch {
        // The driver may be parked waiting for a client that will never be quiescent again:
        // wake it, or the group would wait for it forever.
        group.cancelAll()
        parking.releaseDriver()
        throw error
      }
      guard let result else { throw KubeError.internalError("client finished without a result") }
      return result
    }
  }

  /// One move of the driver: to the next controller wake-up before the earliest sleeper's
  /// deadline where a waiting consumer gets an event, else to the deadline, waking its sleepers.
  private func step() {
    guard parking.isQuiescent, let deadline = parking.earliestDeadline else { return }
    while true {
      let next = min(cluster.nextWakeup ?? deadline, deadline)
      if moveCluster(to: next) { return }
      if next >= deadline {
        wakeSleepers()
        return
      }
    }
  }

  func settle() {
    cluster.reconcile()
    deliverWatchEvents()
    deliverLogLines()
  }

  // MARK: - Watches

  /// Queues each watch's new events and hands the next one to a consumer parked for it, in
  /// watch order. Returns whether any consumer was handed something.
  @discardableResult
  private func deliverWatchEvents() -> Bool {
    forgetClosedWatches()
    var handed = false
    for id in watchers.keys.sorted() {
      guard var watcher = watchers[id] else { continue }
      if !watcher.ended { collect(into: &watcher) }
      watchers[id] = watcher
      if (!watcher.pending.isEmpty || watcher.ended), let consumer = parking.takeParked(id) {
        handed = true
        hand(id, to: consumer)
      }
    }
    return handed
  }

  /// The watch's events since it last looked, cut where a scenario fault says.
  private func collect(into watcher: inout Watcher) {
    do {
      let events = try selectedChanges(watcher.gvk, namespace: watcher.namespace, after: watcher.after, options: watcher.options)
      if let remaining = watcher.remaining, events.count >= remaining {
        watcher.pending += events.prefix(remaining)
        watcher.ended = true
        return
      }
      watcher.pending += events
      watcher.remaining = watcher.remaining.map { $0 - events.count }
      let version = cluster.api.store.resourceVersion
      // A BOOKMARK tells the client how far it is caught up, so a reconnect after a drop
      // resumes from there instead of relisting (sent when the client asked for them).
      if watcher.bookmarks && version > watcher.after {
        watcher.pending.append(WatchEvent(type: .bookmark, object: Self.bookmark(watcher.gvk, version)))
      }
      watcher.after = version
    } catch {
      watcher.ended = true
      watcher.failure = error
    }
  }

  /// Gives the consumer its next event, or the end of the stream.
  private func hand(_ id: Int, to consumer: SimParking.Consumer) {
    guard var watcher = watchers[id] else { return consumer.resume(returning: nil) }
    if !watcher.pending.isEmpty {
      let event = watcher.pending.removeFirst()
      watchers[id] = watcher
      return consumer.resume(returning: event)
    }
    watchers[id] = nil
    parking.close(id)
    if let failure = watcher.failure { return consumer.resume(throwing: failure) }
    consumer.resume(returning: nil)
  }

  /// The consumer's `next()`: what is queued, else wait for the driver or a write to bring more.
  func nextWatchEvent(_ id: Int) async throws -> WatchEvent? {
    forgetClosedWatches()
    guard let watcher = watchers[id] else { return nil }
    if !watcher.pending.isEmpty || watcher.ended {
      return try await withCheckedThrowingContinuation { hand(id, to: $0) }
    }
    let parking = self.parking
    return try await withCheckedThrowingContinuation { parking.park(id, $0) }
  }

  private func forgetClosedWatches() {
    for id in parking.drainClosed() { watchers[id] = nil }
  }

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
    let id = parking.newID()
    var watcher = Watcher(
      gvk: gvk, namespace: namespace, after: cluster.api.store.resourceVersion, bookmarks: options.allowWatchBookmarks,
      remaining: nil, options: options, pending: initial)
    if let limit = faults.watchEventLimit() {
      if initial.count >= limit {
        watcher.pending = Array(initial.prefix(limit))
        watcher.ended = true
      } else {
        watcher.remaining = limit - initial.count
      }
    }
    watchers[id] = watcher
    parking.open(id)
    // Built on demand: each `next()` asks the actor, so the simulation knows when the consumer
    // waits for an event (parked) and when it is still busy with the last one.
    let lease = WatchLease(id: id, parking: parking)
    return AsyncThrowingStream { [self] in
      try await withTaskCancellationHandler {
        try await self.nextWatchEvent(lease.id)
      } onCancel: {
        lease.parking.close(lease.id)
      }
    }
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
