import Kube
import Manifest

/// List field selectors the simulation supports: metadata.name, metadata.namespace,
/// spec.nodeName, status.phase, with `=`, `==` and `!=`.
struct FieldSelector: Sendable {
  var requirements: [(path: [String], value: String, equal: Bool)]

  static let supported: [String: [String]] = [
    "metadata.name": ["metadata", "name"], "metadata.namespace": ["metadata", "namespace"],
    "spec.nodeName": ["spec", "nodeName"], "status.phase": ["status", "phase"],
  ]

  init(parsing text: String) throws(KubeError) {
    var requirements: [(path: [String], value: String, equal: Bool)] = []
    for clause in text.split(separator: ",") {
      let equal = !clause.contains("!=")
      let parts = clause.components(separatedBy: equal ? (clause.contains("==") ? "==" : "=") : "!=")
      guard parts.count == 2, let path = Self.supported[parts[0]] else {
        throw KubeError.badRequest("field label not supported: \(parts.first ?? String(clause))")
      }
      requirements.append((path, parts[1], equal))
    }
    self.requirements = requirements
  }

  func matches(_ object: Value) -> Bool {
    requirements.allSatisfy { r in
      let actual = object[path: r.path]?.stringValue ?? ""
      return (actual == r.value) == r.equal
    }
  }
}
