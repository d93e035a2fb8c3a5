import Manifest

/// A Kubernetes label selector in its string form: `app=web,tier in (a,b),!canary,env!=prod`.
public struct LabelSelector: Sendable, Hashable {
  public enum Requirement: Sendable, Hashable {
    case equals(String, String)
    case notEquals(String, String)
    case isIn(String, Set<String>)
    case notIn(String, Set<String>)
    case exists(String)
    case doesNotExist(String)
  }

  public var requirements: [Requirement]

  public init(parsing text: String) throws(PatchError) {
    var requirements: [Requirement] = []
    for clause in Self.splitClauses(text) {
      let c = clause.trimmingCharacters(in: " ")
      if c.isEmpty { continue }
      if let range = c.range(of: " notin ") ?? c.range(of: " in ") {
        let key = c[..<range.lowerBound].trimmingCharacters(in: " ")
        let rest = c[range.upperBound...].trimmingCharacters(in: " ")
        guard rest.hasPrefix("("), rest.hasSuffix(")") else {
          throw PatchError("invalid label selector \"\(text)\": expected (values) after in/notin")
        }
        let values = Set(rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: " ") })
        requirements.append(c[range].contains("notin") ? .notIn(key, values) : .isIn(key, values))
      } else if let range = c.range(of: "!=") {
        requirements.append(.notEquals(c[..<range.lowerBound].trimmingCharacters(in: " "), c[range.upperBound...].trimmingCharacters(in: " ")))
      } else if let range = c.range(of: "==") ?? c.range(of: "=") {
        requirements.append(.equals(c[..<range.lowerBound].trimmingCharacters(in: " "), c[range.upperBound...].trimmingCharacters(in: " ")))
      } else if c.hasPrefix("!") {
        requirements.append(.doesNotExist(c.dropFirst().trimmingCharacters(in: " ")))
      } else {
        requirements.append(.exists(c))
      }
    }
    self.requirements = requirements
  }

  /// Commas inside `( … )` belong to a set, not to the clause list.
  private static func splitClauses(_ text: String) -> [String] {
    var clauses: [String] = []
    var current = ""
    var depth = 0
    for c in text {
      if c == "(" { depth += 1 }
      if c == ")" { depth -= 1 }
      if c == ",", depth == 0 {
        clauses.append(current)
        current = ""
      } else {
        current.append(c)
      }
    }
    clauses.append(current)
    return clauses
  }

  public func matches(_ labels: [String: String]) -> Bool {
    requirements.allSatisfy { requirement in
      switch requirement {
      case .equals(let k, let v): return labels[k] == v
      case .notEquals(let k, let v): return labels[k] != v
      case .isIn(let k, let values): return labels[k].map(values.contains) ?? false
      case .notIn(let k, let values): return !(labels[k].map(values.contains) ?? false)
      case .exists(let k): return labels[k] != nil
      case .doesNotExist(let k): return labels[k] == nil
      }
    }
  }
}

extension StringProtocol {
  func trimmingCharacters(in set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s = s.dropFirst() }
    while s.last == set { s = s.dropLast() }
    return String(s)
  }
}
