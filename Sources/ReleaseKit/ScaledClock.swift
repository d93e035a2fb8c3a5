/// The clock of a cluster whose time runs `speed` times faster than ours: the embedded cluster
/// served by `release sim start`. A rollout waiting 120 s of bake on it waits 120 s of the
/// cluster's time, not of ours, as it would on a real cluster running in real time.
public struct ScaledClock: Clock {
  public struct Instant: InstantProtocol {
    /// Cluster time since the clock was made.
    public var offset: Duration
    public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
    public func duration(to other: Instant) -> Duration { other.offset - offset }
    public static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
  }

  public let speed: Double
  private let base = ContinuousClock()
  private let start: ContinuousClock.Instant

  public init(speed: Double) {
    self.speed = max(speed, 0.000_001)
    start = base.now
  }

  public var now: Instant { Instant(offset: start.duration(to: base.now) * speed) }
  public var minimumResolution: Duration { .nanoseconds(1) }

  public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
    let remaining = now.duration(to: deadline)
    guard remaining > .zero else { return }
    try await base.sleep(for: remaining / speed)
  }
}
