public import Kube
public import Manifest

/// A PodDisruptionBudget as the plan reads it: which pods it covers and its one rule.
public struct PodDisruptionBudgetRule: Sendable, Hashable {
  public enum Rule: Sendable, Hashable {
    case minAvailable(IntOrPercent)
    case maxUnavailable(IntOrPercent)
    /// Neither set: every expected pod must stay healthy (the disruption controller's reading).
    case allHealthy
  }

  public var namespace: String
  public var name: String
  public var selector: Value?
  public var rule: Rule

  public init(namespace: String, name: String, selector: Value?, rule: Rule) {
    self.namespace = namespace
    self.name = name
    self.selector = selector
    self.rule = rule
  }

  public init(_ pdb: Value) {
    let rule: Rule
    if let min = pdb[path: ["spec", "minAvailable"]], !min.isNull {
      rule = .minAvailable(IntOrPercent(min))
    } else if let max = pdb[path: ["spec", "maxUnavailable"]], !max.isNull {
      rule = .maxUnavailable(IntOrPercent(max))
    } else {
      rule = .allHealthy
    }
    self.init(namespace: pdb.namespace ?? "default", name: pdb.name ?? "", selector: pdb[path: ["spec", "selector"]], rule: rule)
  }

  public func covers(namespace: String, labels: [String: String]) -> Bool {
    namespace == self.namespace && LabelSelection.selector(selector, matches: labels)
  }

  /// Healthy pods the budget demands of `expected`; percentages round up for both forms, as
  /// the disruption controller computes desiredHealthy.
  public func desiredHealthy(expected: Int) -> Int {
    switch rule {
    case .minAvailable(let value): return max(0, Int(value.scaled(Int64(expected), roundUp: true)))
    case .maxUnavailable(let value): return max(0, expected - Int(value.scaled(Int64(expected), roundUp: true)))
    case .allHealthy: return expected
    }
  }

  /// `minAvailable 2`, `maxUnavailable 25%`.
  public var summary: String {
    switch rule {
    case .minAvailable(let value): return "minAvailable \(RolloutStrategy.text(value))"
    case .maxUnavailable(let value): return "maxUnavailable \(RolloutStrategy.text(value))"
    case .allHealthy: return "no minAvailable or maxUnavailable (all pods)"
    }
  }
}
