internal import Synchronization

/// The simulated cluster's virtual clock, for code that waits (a rollout waiting out a 300 s
/// readiness window): `sleep` returns when the simulation's time passes the deadline, which
/// costs no real time. Sleepers wake in deadline order, ties in arrival order.
public struct SimClock: Clock, Sendable {
  public typealias Instant = SimInstant
  let sim: KubeSim
  let current: SharedInstant

  public var now: SimInstant { current.value }
  public var minimumResolution: Duration { .zero }

  public func sleep(until deadline: SimInstant, tolerance: Duration? = nil) async throws {
    try Task.checkCancellation()
    if deadline <= now { return }
    await sim.waitUntil(deadline)
    try Task.checkCancellation()
  }
}

/// Virtual now, readable without awaiting the actor (Clock.now is synchronous).
final class SharedInstant: Sendable {
  private let storage = Mutex(SimInstant.zero)
  var value: SimInstant { storage.withLock { $0 } }
  func set(_ instant: SimInstant) { storage.withLock { $0 = instant } }
}
