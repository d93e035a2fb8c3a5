internal import Kube
internal import Synchronization

/// Where a client of the simulation waits: sleepers on the virtual clock and watch consumers
/// waiting for their next event. Kept behind a lock rather than in the actor because a
/// cancellation handler runs synchronously on whichever thread cancels: a sleep or a watch
/// given up must be gone before the cancelled call returns, or the driver would count a
/// waiter that no longer waits (and move time for it) or wait for one that never comes back.
///
/// The driver of `KubeSim.run` moves the simulation only while the client is *quiescent*:
/// at least one sleeper, and every open watch's consumer parked in `next()`. A consumer that
/// was handed an event is running until it asks again, so time stays at the event's instant
/// while the client reacts to it.
final class SimParking: Sendable {
  struct Sleeper {
    var id: Int
    var deadline: SimInstant
    var continuation: CheckedContinuation<Void, Never>
  }

  typealias Consumer = CheckedContinuation<WatchEvent?, any Error>

  private struct State {
    var lastID = 0
    /// In registration order, so ties wake in arrival order.
    var sleepers: [Sleeper] = []
    /// Sleeps cancelled before they registered: they must not register afterwards.
    var abandonedSleeps: Set<Int> = []
    var open: Set<Int> = []
    var parked: [Int: Consumer] = [:]
    /// Closed by their consumer (cancelled, or the stream dropped) and not yet forgotten by the actor.
    var closed: Set<Int> = []
    var driver: CheckedContinuation<Void, Never>?

    var isQuiescent: Bool { !sleepers.isEmpty && open.allSatisfy { parked[$0] != nil } }

    /// The driver's continuation, when it waits and may go on now.
    mutating func releasableDriver() -> CheckedContinuation<Void, Never>? {
      guard isQuiescent, let driver else { return nil }
      self.driver = nil
      return driver
    }
  }

  private let state = Mutex(State())

  func newID() -> Int { state.withLock { $0.lastID += 1; return $0.lastID } }

  // MARK: Sleepers

  func addSleeper(id: Int, deadline: SimInstant, continuation: CheckedContinuation<Void, Never>) {
    let (abandoned, driver) = state.withLock { s -> (Bool, CheckedContinuation<Void, Never>?) in
      if s.abandonedSleeps.remove(id) != nil { return (true, nil) }
      s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
      return (false, s.releasableDriver())
    }
    if abandoned { continuation.resume() }
    driver?.resume()
  }

  func cancelSleeper(_ id: Int) {
    let sleeper = state.withLock { s -> Sleeper? in
      guard let index = s.sleepers.firstIndex(where: { $0.id == id }) else {
        s.abandonedSleeps.insert(id)
        return nil
      }
      return s.sleepers.remove(at: index)
    }
    sleeper?.continuation.resume()
  }

  var earliestDeadline: SimInstant? { state.withLock { $0.sleepers.map(\.deadline).min() } }
  var sleeperCount: Int { state.withLock { $0.sleepers.count } }

  /// Removes the sleepers due at `now`, in deadline order (ties in arrival order).
  func takeSleepers(dueAt now: SimInstant) -> [Sleeper] {
    state.withLock { s in
      let due = s.sleepers.filter { $0.deadline <= now }
      s.sleepers.removeAll { $0.deadline <= now }
      return due.enumerated().sorted { ($0.element.deadline, $0.offset) < ($1.element.deadline, $1.offset) }.map(\.element)
    }
  }

  // MARK: Watch consumers

  func open(_ id: Int) { state.withLock { _ = $0.open.insert(id) } }
  var openCount: Int { state.withLock { $0.open.count } }

  /// Parks the consumer until `takeParked` hands it an event; a watch closed meanwhile ends at once.
  func park(_ id: Int, _ consumer: Consumer) {
    let (isClosed, driver) = state.withLock { s -> (Bool, CheckedContinuation<Void, Never>?) in
      guard s.open.contains(id) else { return (true, nil) }
      s.parked[id] = consumer
      return (false, s.releasableDriver())
    }
    if isClosed { consumer.resume(returning: nil) }
    driver?.resume()
  }

  /// The parked consumer of `id`, which is running from now on.
  func takeParked(_ id: Int) -> Consumer? { state.withLock { $0.parked.removeValue(forKey: id) } }

  /// The consumer gave the watch up (or it ended): a parked consumer is released with the end.
  func close(_ id: Int) {
    let (consumer, driver) = state.withLock { s -> (Consumer?, CheckedContinuation<Void, Never>?) in
      guard s.open.remove(id) != nil else { return (nil, nil) }
      s.closed.insert(id)
      return (s.parked.removeValue(forKey: id), s.releasableDriver())
    }
    consumer?.resume(returning: nil)
    driver?.resume()
  }

  func drainClosed() -> Set<Int> { state.withLock { s in defer { s.closed = [] }; return s.closed } }

  // MARK: Driver

  var isQuiescent: Bool { state.withLock { $0.isQuiescent } }

  /// Returns once the client is quiescent, or when `releaseDriver` is called.
  func waitForQuiescence() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ready = state.withLock { s -> Bool in
        if s.isQuiescent { return true }
        s.driver = continuation
        return false
      }
      if ready { continuation.resume() }
    }
  }

  func releaseDriver() {
    let driver = state.withLock { s in defer { s.driver = nil }; return s.driver }
    driver?.resume()
  }
}

/// Closes its watch when the stream that holds it goes away: an `unfolding` stream tells its
/// producer nothing when the consumer simply stops iterating.
final class WatchLease: Sendable {
  let id: Int
  let parking: SimParking

  init(id: Int, parking: SimParking) {
    self.id = id
    self.parking = parking
  }

  deinit { parking.close(id) }
}
