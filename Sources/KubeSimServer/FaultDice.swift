import Synchronization

/// The seeded generator behind server-level faults (SplitMix64), shared by all connections.
final class FaultDice: Sendable {
  private let state: Mutex<UInt64>

  init(seed: UInt64) { state = Mutex(seed) }

  /// A uniform draw in [0, 1).
  func next() -> Double {
    state.withLock { value in
      value &+= 0x9E37_79B9_7F4A_7C15
      var z = value
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      z ^= z >> 31
      return Double(z >> 11) / Double(1 << 53)
    }
  }

  func roll(_ rate: Double) -> Bool { rate > 0 && next() < rate }
}
