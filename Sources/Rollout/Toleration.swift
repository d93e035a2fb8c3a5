public import Manifest

/// A pod toleration (`spec.tolerations[]`), matched against taints as upstream's
/// `Toleration.ToleratesTaint` does: an empty effect matches every effect, `Exists` with an
/// empty key matches every taint, `Equal` (the default) compares key and value.
public struct Toleration: Sendable, Hashable {
  public var key: String
  public var `operator`: String
  public var value: String
  public var effect: String

  public init(key: String, operator: String = "Equal", value: String = "", effect: String = "") {
    self.key = key
    self.operator = `operator`
    self.value = value
    self.effect = effect
  }

  public init(_ object: Value) {
    self.init(
      key: object["key"]?.stringValue ?? "", operator: object["operator"]?.stringValue ?? "Equal",
      value: object["value"]?.stringValue ?? "", effect: object["effect"]?.stringValue ?? "")
  }

  public func tolerates(_ taint: Taint) -> Bool {
    if !effect.isEmpty, effect != taint.effect { return false }
    if `operator` == "Exists" { return key.isEmpty || key == taint.key }
    return key == taint.key && value == taint.value
  }
}
