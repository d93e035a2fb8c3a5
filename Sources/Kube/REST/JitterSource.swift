/// Seeded randomness for backoff jitter, shareable across concurrent requests, so a test can
/// fix the waits it observes.
package final class JitterSource: Sendable {
  private let state: Locked<UInt64>

  package init(seed: UInt64) { state = Locked(seed) }

  /// Uniform in [0, 1).
  package func next() -> Double {
    let bits = state.withLock { state -> UInt64 in
      // SplitMix64.
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    return Double(bits >> 11) / Double(1 << 53)
  }
}
