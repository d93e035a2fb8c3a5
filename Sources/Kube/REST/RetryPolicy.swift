/// When and how long the client waits before sending a failed request again.
///
/// 429 is retried for every request: the server guarantees it did nothing. 500/502/503/504,
/// lost connections and timeouts are retried only for requests that are safe to repeat (reads,
/// watch establishment, PUT, DELETE and server-side apply); a create POST, a non-apply PATCH
/// or an eviction may have taken effect, so its failure goes to the caller. A refused
/// connection never reached the server and is retried for all.
public struct RetryPolicy: Sendable, Hashable {
  /// Attempts in all, the first included.
  public var maxAttempts: Int
  public var initialBackoff: Duration
  public var maxBackoff: Duration
  /// Each wait is stretched by up to this fraction, at random, so clients do not retry in step.
  public var jitter: Double
  /// Longest Retry-After honoured; a larger one is cut to this.
  public var maxRetryAfter: Duration

  public init(
    maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(30),
    jitter: Double = 0.2, maxRetryAfter: Duration = .seconds(60)
  ) {
    self.maxAttempts = maxAttempts
    self.initialBackoff = initialBackoff
    self.maxBackoff = maxBackoff
    self.jitter = jitter
    self.maxRetryAfter = maxRetryAfter
  }

  public static let none = RetryPolicy(maxAttempts: 1)

  /// Whether the request may be sent twice without changing the outcome.
  public enum Safety: Sendable, Hashable {
    case idempotent
    case notIdempotent
  }

  /// The pause before attempt `attempt + 1` after a failed HTTP reply, or nil to give up.
  public func delay(afterStatus code: Int, retryAfterSeconds: Int?, attempt: Int, safety: Safety, random: Double)
    -> Duration?
  {
    guard attempt < maxAttempts else { return nil }
    let retryable =
      switch code {
      case 429: true
      case 500, 502, 503, 504: safety == .idempotent
      default: false
      }
    guard retryable else { return nil }
    if let seconds = retryAfterSeconds, seconds > 0 { return min(.seconds(seconds), maxRetryAfter) }
    return backoff(attempt: attempt, random: random)
  }

  public func delay(afterTransport kind: TransportError.Kind, attempt: Int, safety: Safety, random: Double) -> Duration?
  {
    guard attempt < maxAttempts else { return nil }
    switch kind {
    case .couldNotConnect: break
    case .connectionLost, .timedOut: guard safety == .idempotent else { return nil }
    case .tls, .cancelled, .other: return nil
    }
    return backoff(attempt: attempt, random: random)
  }

  /// initial · 2^(attempt-1), capped, plus up to `jitter` of itself.
  public func backoff(attempt: Int, random: Double) -> Duration {
    var base = initialBackoff
    for _ in 1..<max(1, attempt) where base < maxBackoff { base *= 2 }
    base = min(base, maxBackoff)
    return min(base + base * (jitter * random), maxBackoff + maxBackoff * jitter)
  }
}
