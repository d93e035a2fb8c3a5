/// Elapsed time and sleeps on an injected clock (virtual in tests, continuous in production),
/// opening the `any Clock` once so callers need not be generic.
public struct Stopwatch: Sendable {
  private let read: @Sendable () -> Duration
  private let pause: @Sendable (Duration) async throws -> Void

  public init(_ clock: any Clock<Duration>) {
    (read, pause) = Self.open(clock)
  }

  private static func open<C: Clock<Duration>>(_ clock: C) -> (@Sendable () -> Duration, @Sendable (Duration) async throws -> Void) {
    let start = clock.now
    return ({ start.duration(to: clock.now) }, { try await clock.sleep(for: $0) })
  }

  /// Time since this stopwatch was made.
  public var elapsed: Duration { read() }

  /// Throws `CancellationError` when the task is cancelled.
  public func sleep(for duration: Duration) async throws { try await pause(duration) }
}
