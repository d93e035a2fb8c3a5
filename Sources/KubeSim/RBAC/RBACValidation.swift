import Kube
import Manifest

/// Upstream's RBAC validation (pkg/apis/rbac/validation) and defaults (pkg/apis/rbac/v1):
/// names are path segments (so `system:basic-user` is a valid name), a rule says what it
/// applies to, a binding's roleRef is a Role or ClusterRole and never changes, subjects are
/// users, groups or service accounts.
enum RBACValidation {
  static let group = "rbac.authorization.k8s.io"

  /// SetDefaults_Subject and the roleRef's group: what `kubectl create rolebinding` leaves out.
  static func applyDefaults(_ object: inout Value) {
    guard object.kind == "RoleBinding" || object.kind == "ClusterRoleBinding" else { return }
    if (object[path: ["roleRef", "apiGroup"]]?.stringValue ?? "").isEmpty, object["roleRef"] != nil {
      object[path: ["roleRef", "apiGroup"]] = .string(group)
    }
    guard case .array(var subjects)? = object["subjects"] else { return }
    for index in subjects.indices where (subjects[index]["apiGroup"]?.stringValue ?? "").isEmpty {
      switch subjects[index]["kind"]?.stringValue {
      case "User", "Group": subjects[index]["apiGroup"] = .string(group)
      default: break
      }
    }
    object["subjects"] = .array(subjects)
  }

  static func validate(_ object: Value, old: Value?) -> [StatusCause] {
    var causes = nameCauses(object.name ?? "", field: "metadata.name")
    switch object.kind {
    case "Role", "ClusterRole":
      for (index, rule) in (object["rules"]?.arrayValue ?? []).enumerated() {
        causes += ruleCauses(rule, namespaced: object.kind == "Role", field: "rules[\(index)]")
      }
    case "RoleBinding", "ClusterRoleBinding":
      causes += bindingCauses(object, old: old)
    default:
      break
    }
    return causes
  }

  /// ValidateRBACName (path.IsValidPathSegmentName).
  static func nameCauses(_ name: String, field: String) -> [StatusCause] {
    if name.isEmpty {
      return [StatusCause(type: "FieldValueRequired", field: field, message: "Required value: name or generateName is required")]
    }
    var reasons: [String] = []
    if name == "." || name == ".." { reasons.append("may not be '\(name)'") }
    if name.contains("/") { reasons.append("may not contain '/'") }
    if name.contains("%") { reasons.append("may not contain '%'") }
    return reasons.map { Validation.invalid(field, GoQuote.quoted(name), $0) }
  }

  static func ruleCauses(_ rule: Value, namespaced: Bool, field: String) -> [StatusCause] {
    let parsed = PolicyRule(rule)
    var causes: [StatusCause] = []
    if parsed.verbs.isEmpty {
      causes.append(
        StatusCause(type: "FieldValueRequired", field: "\(field).verbs", message: "Required value: verbs must contain at least one value"))
    }
    if !parsed.nonResourceURLs.isEmpty {
      if namespaced {
        causes.append(
          Validation.invalid(
            "\(field).nonResourceURLs", goList(parsed.nonResourceURLs), "namespaced rules cannot apply to non-resource URLs"))
      }
      if !parsed.apiGroups.isEmpty || !parsed.resources.isEmpty || !parsed.resourceNames.isEmpty {
        causes.append(
          Validation.invalid(
            "\(field).nonResourceURLs", goList(parsed.nonResourceURLs), "rules cannot apply to both regular resources and non-resource URLs"
          ))
      }
      return causes
    }
    if parsed.apiGroups.isEmpty {
      causes.append(
        StatusCause(
          type: "FieldValueRequired", field: "\(field).apiGroups",
          message: "Required value: resource rules must supply at least one api group"))
    }
    if parsed.resources.isEmpty {
      causes.append(
        StatusCause(
          type: "FieldValueRequired", field: "\(field).resources",
          message: "Required value: resource rules must supply at least one resource"))
    }
    return causes
  }

  static func bindingCauses(_ binding: Value, old: Value?) -> [StatusCause] {
    var causes: [StatusCause] = []
    let roleRef = binding["roleRef"] ?? [:]
    let apiGroup = roleRef["apiGroup"]?.stringValue ?? ""
    if apiGroup != group {
      causes.append(notSupported("roleRef.apiGroup", apiGroup, [group]))
    }
    let kind = roleRef["kind"]?.stringValue ?? ""
    let kinds = binding.kind == "ClusterRoleBinding" ? ["ClusterRole"] : ["Role", "ClusterRole"]
    if !kinds.contains(kind) { causes.append(notSupported("roleRef.kind", kind, kinds)) }
    let roleName = roleRef["name"]?.stringValue ?? ""
    if roleName.isEmpty {
      causes.append(StatusCause(type: "FieldValueRequired", field: "roleRef.name", message: "Required value"))
    } else {
      causes += nameCauses(roleName, field: "roleRef.name")
    }
    let namespaced = binding.kind == "RoleBinding"
    for (index, subject) in (binding["subjects"]?.arrayValue ?? []).enumerated() {
      causes += subjectCauses(subject, namespaced: namespaced, field: "subjects[\(index)]")
    }
    if let old, (old["roleRef"] ?? .null).canonical != roleRef.canonical {
      causes.append(
        Validation.invalid(
          "roleRef", "rbac.RoleRef{APIGroup:\(GoQuote.quoted(apiGroup)), Kind:\(GoQuote.quoted(kind)), Name:\(GoQuote.quoted(roleName))}",
          "cannot change roleRef"))
    }
    return causes
  }

  static func subjectCauses(_ subject: Value, namespaced: Bool, field: String) -> [StatusCause] {
    var causes: [StatusCause] = []
    let name = subject["name"]?.stringValue ?? ""
    if name.isEmpty { causes.append(StatusCause(type: "FieldValueRequired", field: "\(field).name", message: "Required value")) }
    let apiGroup = subject["apiGroup"]?.stringValue ?? ""
    switch subject["kind"]?.stringValue ?? "" {
    case "ServiceAccount":
      if !name.isEmpty, !Validation.isDNS1123Subdomain(name) {
        causes.append(Validation.invalid("\(field).name", GoQuote.quoted(name), Validation.dns1123Subdomain))
      }
      if !apiGroup.isEmpty { causes.append(notSupported("\(field).apiGroup", apiGroup, [""])) }
      if !namespaced, (subject["namespace"]?.stringValue ?? "").isEmpty {
        causes.append(StatusCause(type: "FieldValueRequired", field: "\(field).namespace", message: "Required value"))
      }
    case "User", "Group":
      if apiGroup != group { causes.append(notSupported("\(field).apiGroup", apiGroup, [group])) }
    case let kind:
      causes.append(notSupported("\(field).kind", kind, ["ServiceAccount", "User", "Group"]))
    }
    return causes
  }

  /// field.NotSupported's text.
  static func notSupported(_ field: String, _ value: String, _ supported: [String]) -> StatusCause {
    let list = supported.map(GoQuote.quoted).joined(separator: ", ")
    return StatusCause(
      type: "FieldValueNotSupported", field: field, message: "Unsupported value: \(GoQuote.quoted(value)): supported values: \(list)")
  }

  /// Go's `%v` of a []string, as field.Invalid prints a list value.
  static func goList(_ items: [String]) -> String { "[]string{" + items.map(GoQuote.quoted).joined(separator: ", ") + "}" }
}
