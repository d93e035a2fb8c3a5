public import Manifest

/// A Kubernetes resource quantity (`500m`, `16Gi`, `1`, `0.5`), as a number in base units.
/// Equality is by value, so `1000m` equals `1` and `1Gi` equals `1024Mi` as the API server
/// sees them; `text` keeps what was written.
public struct Quantity: Sendable, Hashable {
  public static func == (a: Quantity, b: Quantity) -> Bool { a.value == b.value }
  public func hash(into hasher: inout Hasher) { hasher.combine(value) }

  public var value: Double
  public var text: String

  static let suffixes: [(String, Double)] = [
    ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
    ("Ei", 1_152_921_504_606_846_976), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9),
    ("T", 1e12), ("P", 1e15), ("E", 1e18),
  ]

  public init?(_ value: Value) {
    switch value {
    case .int(let i): self.init(value: Double(i), text: String(i))
    case .float(let d): self.init(value: d, text: "\(d)")
    case .string(let s): self.init(parsing: s)
    default: return nil
    }
  }

  public init(value: Double, text: String) {
    self.value = value
    self.text = text
  }

  public init?(parsing text: String) {
    for (suffix, factor) in Self.suffixes where text.hasSuffix(suffix) {
      guard let number = Double(text.dropLast(suffix.count)) else { return nil }
      self.init(value: number * factor, text: text)
      return
    }
    guard let number = Double(text) else { return nil }
    self.init(value: number, text: text)
  }
}
