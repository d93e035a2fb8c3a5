public import Manifest

/// `maxSurge: 1` or `maxUnavailable: 25%`, scaled against a replica count.
public struct IntOrPercent: Sendable, Hashable {
  public var raw: Value
  public init(_ raw: Value) { self.raw = raw }

  public var isZero: Bool {
    switch raw {
    case .int(let i): return i == 0
    case .string(let s): return s == "0%" || s == "0"
    default: return false
    }
  }

  /// Upstream GetScaledValueFromIntOrPercent: percentages round up or down as asked.
  public func scaled(_ total: Int64, roundUp: Bool) -> Int64 {
    switch raw {
    case .int(let i): return i
    case .string(let s) where s.hasSuffix("%"):
      let percent = Double(s.dropLast()) ?? 0
      let exact = percent * Double(total) / 100
      return Int64(roundUp ? exact.rounded(.up) : exact.rounded(.down))
    case .string(let s): return Int64(s) ?? 0
    default: return 0
    }
  }
}
