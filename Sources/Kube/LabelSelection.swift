public import Manifest

/// Label matching as the API server does it, over the object forms `release` reads: a
/// `metav1.LabelSelector` (PodDisruptionBudgets, Deployments) and a node selector term
/// (required node affinity). Pure; shared by the rollout planner (which pods a budget covers,
/// which nodes a pod can land on) and the simulated scheduler, so both decide alike.
public enum LabelSelection {
  /// `metadata.labels` as strings (non-string values are not labels the server would keep).
  public static func labels(of object: Value) -> [String: String] {
    var labels: [String: String] = [:]
    for (key, value) in object[path: ["metadata", "labels"]]?.objectValue ?? [:] {
      if let text = value.stringValue { labels[key] = text }
    }
    return labels
  }

  /// A `metav1.LabelSelector`: `matchLabels` and `matchExpressions` all hold. An empty selector
  /// matches everything; a missing one (nil or null) nothing, as policy/v1 reads a PDB's.
  public static func selector(_ selector: Value?, matches labels: [String: String]) -> Bool {
    guard let selector, selector.objectValue != nil else { return false }
    for (key, value) in selector["matchLabels"]?.objectValue ?? [:] where labels[key] != value.stringValue {
      return false
    }
    return (selector["matchExpressions"]?.arrayValue ?? []).allSatisfy { expression in
      let key = expression["key"]?.stringValue ?? ""
      let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
      switch expression["operator"]?.stringValue {
      case "In": return labels[key].map(values.contains) ?? false
      case "NotIn": return !(labels[key].map(values.contains) ?? false)
      case "Exists": return labels[key] != nil
      case "DoesNotExist": return labels[key] == nil
      default: return false
      }
    }
  }

  /// One `nodeSelectorTerms` entry of required node affinity: all its `matchExpressions` hold
  /// (`Gt`/`Lt` compare integers). A term with no expressions matches no node, as upstream.
  public static func nodeSelectorTerm(_ term: Value, matches labels: [String: String]) -> Bool {
    let expressions = term["matchExpressions"]?.arrayValue ?? []
    guard !expressions.isEmpty else { return false }
    return expressions.allSatisfy { expression in
      let key = expression["key"]?.stringValue ?? ""
      let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
      let actual = labels[key]
      switch expression["operator"]?.stringValue {
      case "In": return actual.map(values.contains) ?? false
      case "NotIn": return !(actual.map(values.contains) ?? false)
      case "Exists": return actual != nil
      case "DoesNotExist": return actual == nil
      case "Gt": return (actual.flatMap { Int($0) } ?? Int.min) > (values.first.flatMap { Int($0) } ?? Int.max)
      case "Lt": return (actual.flatMap { Int($0) } ?? Int.max) < (values.first.flatMap { Int($0) } ?? Int.min)
      default: return false
      }
    }
  }

  /// A node selector term as a person reads it: `gpu in (a100,h100), zone=eu-1`.
  public static func describe(term: Value) -> String {
    (term["matchExpressions"]?.arrayValue ?? []).map { expression in
      let key = expression["key"]?.stringValue ?? ""
      let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
      switch expression["operator"]?.stringValue ?? "" {
      case "In" where values.count == 1: return "\(key)=\(values[0])"
      case "In": return "\(key) in (\(values.joined(separator: ",")))"
      case "NotIn": return "\(key) notin (\(values.joined(separator: ",")))"
      case "Exists": return key
      case "DoesNotExist": return "!\(key)"
      case "Gt": return "\(key)>\(values.first ?? "")"
      case "Lt": return "\(key)<\(values.first ?? "")"
      case let other: return "\(key) \(other) (\(values.joined(separator: ",")))"
      }
    }.joined(separator: ", ")
  }
}
