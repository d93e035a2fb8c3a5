public import Manifest

/// What is never a difference between git and the cluster, as data: fields the server or
/// controllers own, and our own bookkeeping. Applied to both sides before they are compared.
public struct NoiseRules: Sendable {
  /// Removed wherever they appear at these paths.
  public var ignoredPaths: [[String]] = [
    ["status"],
    ["metadata", "managedFields"],
    ["metadata", "resourceVersion"],
    ["metadata", "uid"],
    ["metadata", "generation"],
    ["metadata", "creationTimestamp"],
    ["metadata", "selfLink"],
    ["metadata", "deletionTimestamp"],
    ["metadata", "deletionGracePeriodSeconds"],
    ["metadata", "labels", TrackingLabel.key],
    // Written by the Deployment controller on every rollout.
    ["metadata", "annotations", "deployment.kubernetes.io/revision"],
  ]

  public init() {}

  public static let standard = NoiseRules()

  public func normalized(_ object: Value) -> Value {
    var copy = object
    for path in ignoredPaths { remove(path, from: &copy) }
    copy = Self.droppingEmpty(copy)
    // Maps emptied by the removals (labels that held only ours) are not a difference either.
    for key in ["labels", "annotations"] where copy[path: ["metadata", key]]?.objectValue?.isEmpty == true {
      copy[path: ["metadata", key]] = nil
    }
    return copy
  }

  /// Nulls and empty lists are what an API server omits (omitempty): `env: []`, `env: null` and
  /// no env at all are the same object. Empty maps are kept: `emptyDir: {}` means something.
  static func droppingEmpty(_ value: Value) -> Value {
    switch value {
    case .object(let map):
      var kept = map
      for (key, child) in map {
        let cleaned = droppingEmpty(child)
        if cleaned.isNull || cleaned.arrayValue?.isEmpty == true { kept[key] = nil } else { kept[key] = cleaned }
      }
      return .object(kept)
    case .array(let items):
      return .array(items.map(droppingEmpty))
    default:
      return value
    }
  }

  private func remove(_ path: [String], from object: inout Value) {
    guard object[path: path] != nil else { return }
    object[path: path] = nil
  }
}
