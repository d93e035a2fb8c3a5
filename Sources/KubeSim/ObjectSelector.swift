public import Manifest
internal import Render

/// A `metav1.LabelSelector` as objects carry it (`matchLabels` and `matchExpressions`), or the
/// string form of list requests. An empty selector object selects everything; a missing one
/// nothing (PodDisruptionBudget semantics in policy/v1).
public struct ObjectSelector: Sendable {
  enum Requirement: Sendable {
    case equals(String, String)
    case isIn(String, [String])
    case notIn(String, [String])
    case exists(String)
    case doesNotExist(String)
  }

  var requirements: [Requirement]

  public init?(_ selector: Value?) {
    guard let selector, selector.objectValue != nil else { return nil }
    var requirements: [Requirement] = []
    for (key, value) in selector["matchLabels"]?.objectValue ?? [:] {
      requirements.append(.equals(key, value.stringValue ?? YAMLWriter.scalarText(value)))
    }
    for expression in selector["matchExpressions"]?.arrayValue ?? [] {
      let key = expression["key"]?.stringValue ?? ""
      let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
      switch expression["operator"]?.stringValue {
      case "In": requirements.append(.isIn(key, values))
      case "NotIn": requirements.append(.notIn(key, values))
      case "Exists": requirements.append(.exists(key))
      case "DoesNotExist": requirements.append(.doesNotExist(key))
      default: requirements.append(.isIn(key, []))
      }
    }
    self.requirements = requirements
  }

  public func matches(_ labels: [String: String]) -> Bool {
    requirements.allSatisfy { requirement in
      switch requirement {
      case .equals(let k, let v): return labels[k] == v
      case .isIn(let k, let values): return labels[k].map(values.contains) ?? false
      case .notIn(let k, let values): return !(labels[k].map(values.contains) ?? false)
      case .exists(let k): return labels[k] != nil
      case .doesNotExist(let k): return labels[k] == nil
      }
    }
  }

  public func matches(_ object: Value) -> Bool { matches(object.labelStrings) }
}

extension Value {
  /// metadata.labels as plain strings.
  public var labelStrings: [String: String] {
    var result: [String: String] = [:]
    for (k, v) in labels { result[k] = v.stringValue ?? YAMLWriter.scalarText(v) }
    return result
  }

  var uid: String? { self[path: ["metadata", "uid"]]?.stringValue }
  var isTerminating: Bool { self[path: ["metadata", "deletionTimestamp"]] != nil }

  /// The ownerReference with `controller: true`, if any.
  var controllerRef: Value? {
    self[path: ["metadata", "ownerReferences"]]?.arrayValue?.first { $0["controller"]?.boolValue == true }
  }
}
