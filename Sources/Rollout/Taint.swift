public import Manifest

/// A node taint (`spec.taints[]`). Only `NoSchedule` and `NoExecute` keep new pods off a node;
/// `PreferNoSchedule` is a preference the scheduler may ignore, so capacity counts it free.
public struct Taint: Sendable, Hashable {
  public var key: String
  public var value: String
  public var effect: String

  public init(key: String, value: String = "", effect: String) {
    self.key = key
    self.value = value
    self.effect = effect
  }

  public init(_ object: Value) {
    self.init(
      key: object["key"]?.stringValue ?? "", value: object["value"]?.stringValue ?? "", effect: object["effect"]?.stringValue ?? "")
  }

  public var repelsNewPods: Bool { effect == "NoSchedule" || effect == "NoExecute" }

  /// The taint the node controller derives from `spec.unschedulable` (a cordon).
  public static let cordon = Taint(key: "node.kubernetes.io/unschedulable", effect: "NoSchedule")
}
