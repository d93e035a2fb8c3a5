import Kube
import Manifest

/// List and watch field selectors as the API server takes them: `=`, `==` and `!=` terms
/// joined by `,`, with `\` escaping (fields.ParseSelector), over the fields each kind makes
/// selectable (its registry's field set): `metadata.name` and `metadata.namespace` everywhere,
/// and per kind what upstream adds, e.g. an Event's `involvedObject.*`, `reason`, `source`.
struct FieldSelector: Sendable {
  struct Requirement: Sendable {
    var field: String
    var value: String
    var equal: Bool
  }

  var kind: String
  var requirements: [Requirement]

  /// How a kind's selectable field is read from an object.
  typealias Reader = @Sendable (Value) -> String

  static func path(_ keys: String...) -> Reader { { $0[path: keys]?.stringValue ?? ($0[path: keys].map(YAMLWriter.scalarText) ?? "") } }

  /// Upstream's per-kind field sets (pkg/registry/*/strategy.go ToSelectableFields / GetAttrs).
  static let fields: [String: [String: Reader]] = [
    "Pod": [
      "spec.nodeName": path("spec", "nodeName"), "spec.restartPolicy": path("spec", "restartPolicy"),
      "spec.schedulerName": path("spec", "schedulerName"), "spec.serviceAccountName": path("spec", "serviceAccountName"),
      "spec.hostNetwork": { ($0[path: ["spec", "hostNetwork"]]?.boolValue ?? false) ? "true" : "false" },
      "status.phase": path("status", "phase"), "status.podIP": path("status", "podIP"),
      "status.nominatedNodeName": path("status", "nominatedNodeName"),
    ],
    "Event": [
      "involvedObject.kind": path("involvedObject", "kind"), "involvedObject.namespace": path("involvedObject", "namespace"),
      "involvedObject.name": path("involvedObject", "name"), "involvedObject.uid": path("involvedObject", "uid"),
      "involvedObject.apiVersion": path("involvedObject", "apiVersion"),
      "involvedObject.resourceVersion": path("involvedObject", "resourceVersion"),
      "involvedObject.fieldPath": path("involvedObject", "fieldPath"),
      "reason": path("reason"), "reportingComponent": path("reportingComponent"), "type": path("type"),
      // The core/v1 source, or for an events.k8s.io event its reporting controller.
      "source": { event in
        let component = event[path: ["source", "component"]]?.stringValue ?? ""
        return component.isEmpty ? event["reportingComponent"]?.stringValue ?? "" : component
      },
    ],
    "Node": ["spec.unschedulable": { ($0[path: ["spec", "unschedulable"]]?.boolValue ?? false) ? "true" : "false" }],
    "Namespace": ["status.phase": path("status", "phase")],
    "Secret": ["type": path("type")],
    "ReplicaSet": ["status.replicas": path("status", "replicas")],
    "Job": ["status.successful": path("status", "succeeded")],
    "Service": ["spec.clusterIP": path("spec", "clusterIP"), "spec.type": path("spec", "type")],
  ]

  /// Kinds whose conversion answers "field label not supported"; the rest use the generic
  /// meta/v1 wording.
  static let labelNotSupportedKinds: Set<String> = ["Pod", "Event", "Node", "Namespace", "Secret", "ReplicaSet", "Job", "Service"]

  init(parsing text: String, kind: String) throws(KubeError) {
    self.kind = kind
    requirements = []
    for term in Self.splitTerms(text) where !term.isEmpty {
      guard let (field, op, rawValue) = Self.splitTerm(term) else {
        throw KubeError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
      }
      guard Self.reader(kind, field) != nil else {
        if Self.labelNotSupportedKinds.contains(kind) { throw KubeError.badRequest("field label not supported: \(field)") }
        throw KubeError.badRequest("\"\(field)\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
      }
      requirements.append(Requirement(field: field, value: Self.unescape(rawValue), equal: op != "!="))
    }
  }

  static func reader(_ kind: String, _ field: String) -> Reader? {
    switch field {
    case "metadata.name": return path("metadata", "name")
    case "metadata.namespace": return path("metadata", "namespace")
    default: return fields[kind]?[field]
    }
  }

  func matches(_ object: Value) -> Bool {
    requirements.allSatisfy { r in
      let actual = Self.reader(kind, r.field).map { $0(object) } ?? ""
      return (actual == r.value) == r.equal
    }
  }

  /// Splits on commas that are not escaped with `\`.
  static func splitTerms(_ text: String) -> [String] {
    var terms: [String] = []
    var current = ""
    var escaped = false
    for character in text {
      if escaped {
        current.append(character)
        escaped = false
      } else if character == "\\" {
        current.append(character)
        escaped = true
      } else if character == "," {
        terms.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    terms.append(current)
    return terms
  }

  /// The first unescaped operator splits a term, trying `!=`, `==` then `=` at each position.
  static func splitTerm(_ term: String) -> (String, String, String)? {
    let characters = Array(term)
    var index = 0
    while index < characters.count {
      if characters[index] == "\\" {
        index += 2
        continue
      }
      for op in ["!=", "==", "="] where term.dropFirst(index).hasPrefix(op) {
        let field = String(characters[..<index])
        let value = String(characters[(index + op.count)...])
        return (field, op, value)
      }
      index += 1
    }
    return nil
  }

  static func unescape(_ text: String) -> String {
    var result = ""
    var escaped = false
    for character in text {
      if escaped || character != "\\" {
        result.append(character)
        escaped = false
      } else {
        escaped = true
      }
    }
    return result
  }
}
