import Kube
import Manifest

/// Admission validation (k8s.io/kubernetes pkg/apis/*/validation), for the malformed objects
/// a rollout could send. Messages follow upstream's `field: Invalid value: …: reason` form.
enum Validation {
  static let dns1123Subdomain =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

  static func required(_ field: String) -> StatusCause {
    StatusCause(type: "FieldValueRequired", field: field, message: "Required value")
  }

  static func invalid(_ field: String, _ value: String, _ reason: String) -> StatusCause {
    StatusCause(type: "FieldValueInvalid", field: field, message: "Invalid value: \(value): \(reason)")
  }

  static func validate(_ object: Value, old: Value?) -> [StatusCause] {
    switch object.kind {
    case "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding":
      return RBACValidation.validate(object, old: old)
    default:
      break
    }
    var causes: [StatusCause] = []
    let name = object.name ?? ""
    if !isDNS1123Subdomain(name) {
      causes.append(invalid("metadata.name", "\"\(name)\"", dns1123Subdomain))
    }
    switch object.kind {
    case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet":
      causes += validateWorkload(object, old: old)
    case "Pod":
      causes += validatePodSpec(object["spec"], field: "spec")
    case "PodDisruptionBudget":
      if object[path: ["spec", "minAvailable"]] != nil && object[path: ["spec", "maxUnavailable"]] != nil {
        causes.append(
          invalid("spec", "policy.PodDisruptionBudgetSpec{...}", "minAvailable and maxUnavailable cannot be both set"))
      }
    case "Service":
      for (i, port) in (object[path: ["spec", "ports"]]?.arrayValue ?? []).enumerated() where port["port"]?.intValue == nil {
        causes.append(required("spec.ports[\(i)].port"))
      }
    case "ConfigMap", "Secret":
      if let old, old["immutable"]?.boolValue == true {
        for field in ["data", "binaryData", "stringData"] where object[field] != old[field] {
          causes.append(StatusCause(type: "FieldValueForbidden", field: field, message: "Forbidden: field is immutable when `immutable` is set"))
        }
      }
    default:
      break
    }
    return causes
  }

  static func validateWorkload(_ object: Value, old: Value?) -> [StatusCause] {
    var causes: [StatusCause] = []
    if let replicas = object[path: ["spec", "replicas"]]?.intValue, replicas < 0 {
      causes.append(invalid("spec.replicas", "\(replicas)", "must be greater than or equal to 0"))
    }
    let selector = object[path: ["spec", "selector"]]
    if selector == nil || (selector?["matchLabels"]?.objectValue?.isEmpty ?? true && selector?["matchExpressions"]?.arrayValue?.isEmpty ?? true) {
      causes.append(required("spec.selector"))
    } else if let parsed = ObjectSelector(selector) {
      let labels = object[path: ["spec", "template", "metadata", "labels"]] ?? [:]
      var labelStrings: [String: String] = [:]
      for (k, v) in labels.objectValue ?? [:] { labelStrings[k] = v.stringValue ?? YAMLWriter.scalarText(v) }
      if !parsed.matches(labelStrings) {
        let shown = labelStrings.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ", ")
        causes.append(
          invalid("spec.template.metadata.labels", "map[string]string{\(shown)}", "`selector` does not match template `labels`"))
      }
    }
    if let old, object.kind != "DaemonSet", let oldSelector = old[path: ["spec", "selector"]],
      oldSelector.canonical != (selector ?? .null).canonical
    {
      causes.append(invalid("spec.selector", JSON.string(selector ?? .null), "field is immutable"))
    }
    if let strategy = object[path: ["spec", "strategy"]], strategy["type"]?.stringValue == "RollingUpdate",
      let replicas = object[path: ["spec", "replicas"]]?.intValue
    {
      let surge = IntOrPercent(strategy[path: ["rollingUpdate", "maxSurge"]] ?? "25%").scaled(replicas, roundUp: true)
      let unavailable = IntOrPercent(strategy[path: ["rollingUpdate", "maxUnavailable"]] ?? "25%").scaled(replicas, roundUp: false)
      if IntOrPercent(strategy[path: ["rollingUpdate", "maxSurge"]] ?? "25%").isZero
        && IntOrPercent(strategy[path: ["rollingUpdate", "maxUnavailable"]] ?? "25%").isZero
      {
        causes.append(invalid("spec.strategy.rollingUpdate.maxUnavailable", "0", "may not be 0 when `maxSurge` is 0"))
      }
      _ = (surge, unavailable)
    }
    causes += validatePodSpec(object[path: ["spec", "template", "spec"]], field: "spec.template.spec")
    return causes
  }

  static func validatePodSpec(_ spec: Value?, field: String) -> [StatusCause] {
    var causes: [StatusCause] = []
    let containers = spec?["containers"]?.arrayValue ?? []
    if containers.isEmpty { causes.append(required("\(field).containers")) }
    var names: Set<String> = []
    for (i, container) in containers.enumerated() {
      let path = "\(field).containers[\(i)]"
      if let name = container["name"]?.stringValue, !name.isEmpty {
        if !names.insert(name).inserted { causes.append(StatusCause(type: "FieldValueDuplicate", field: "\(path).name", message: "Duplicate value: \"\(name)\"")) }
      } else {
        causes.append(required("\(path).name"))
      }
      if container["image"]?.stringValue?.isEmpty ?? true { causes.append(required("\(path).image")) }
      for resource in (container[path: ["resources", "requests"]]?.objectValue ?? [:]).keys {
        guard let request = container[path: ["resources", "requests", resource]].flatMap(Quantity.init),
          let limit = container[path: ["resources", "limits", resource]].flatMap(Quantity.init)
        else { continue }
        if request.value > limit.value {
          causes.append(
            invalid("\(path).resources.requests", "\"\(request.text)\"", "must be less than or equal to \(resource) limit of \(limit.text)"))
        }
      }
    }
    return causes
  }

  static func isDNS1123Subdomain(_ name: String) -> Bool {
    guard !name.isEmpty, name.count <= 253 else { return false }
    for label in name.split(separator: ".", omittingEmptySubsequences: false) {
      guard let first = label.first, let last = label.last else { return false }
      let ok = label.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }
      if !ok || first == "-" || last == "-" { return false }
    }
    return true
  }
}
