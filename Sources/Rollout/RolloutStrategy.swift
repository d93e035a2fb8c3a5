public import Kube
public import Manifest

/// A Deployment's `spec.strategy`, resolved against its replicas as the Deployment controller
/// resolves it: maxSurge rounds up, maxUnavailable down; both unset mean 25%; both resolving
/// to zero mean maxUnavailable 1 (upstream's ResolveFenceposts). Recreate replaces every pod
/// at once and never surges.
public struct RolloutStrategy: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable {
    case rollingUpdate = "RollingUpdate"
    case recreate = "Recreate"
  }

  public var kind: Kind
  public var maxSurge: IntOrPercent
  public var maxUnavailable: IntOrPercent

  public init(kind: Kind = .rollingUpdate, maxSurge: Value = "25%", maxUnavailable: Value = "25%") {
    self.kind = kind
    self.maxSurge = IntOrPercent(maxSurge)
    self.maxUnavailable = IntOrPercent(maxUnavailable)
  }

  public static let recreate = RolloutStrategy(kind: .recreate, maxSurge: 0, maxUnavailable: "100%")

  /// From a Deployment (`spec.strategy`); an unknown type reads as RollingUpdate, as the
  /// server would have refused it.
  public init(deployment: Value) {
    let strategy = deployment[path: ["spec", "strategy"]]
    if strategy?["type"]?.stringValue == Kind.recreate.rawValue {
      self = .recreate
      return
    }
    self.init(
      maxSurge: strategy?[path: ["rollingUpdate", "maxSurge"]] ?? "25%",
      maxUnavailable: strategy?[path: ["rollingUpdate", "maxUnavailable"]] ?? "25%")
  }

  /// Extra pods the strategy allows above `replicas`.
  public func surge(replicas: Int) -> Int {
    kind == .recreate ? 0 : max(0, Int(maxSurge.scaled(Int64(replicas), roundUp: true)))
  }

  /// Pods the strategy allows below `replicas`.
  public func unavailable(replicas: Int) -> Int {
    if kind == .recreate { return replicas }
    let unavailable = max(0, Int(maxUnavailable.scaled(Int64(replicas), roundUp: false)))
    return unavailable == 0 && surge(replicas: replicas) == 0 ? 1 : unavailable
  }

  /// As the plan quotes it: `maxSurge 1, maxUnavailable 0` or `Recreate`.
  public var summary: String {
    kind == .recreate ? "Recreate" : "maxSurge \(Self.text(maxSurge)), maxUnavailable \(Self.text(maxUnavailable))"
  }

  static func text(_ value: IntOrPercent) -> String {
    switch value.raw {
    case .int(let i): return String(i)
    case .string(let s): return s
    default: return "\(value.raw)"
    }
  }
}
