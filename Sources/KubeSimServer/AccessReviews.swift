import Kube
import KubeSim
import Manifest

/// The review APIs, answered by the same authorizer that guards every request:
/// authorization.k8s.io/v1 SelfSubjectAccessReview (`kubectl auth can-i`),
/// SubjectAccessReview and LocalSubjectAccessReview (someone else's), SelfSubjectRulesReview
/// (`kubectl auth can-i --list`), and authentication.k8s.io/v1 SelfSubjectReview
/// (`kubectl auth whoami`). Nothing is stored; each answer is the request with its status.
struct AccessReviews: Sendable {
  let authorize: @Sendable (AuthorizationAttributes) async -> AuthorizationDecision
  let rules: @Sendable (UserInfo, String) async -> (rules: [PolicyRule], evaluationError: String)

  static let authorizationGroup = "authorization.k8s.io"
  static let authenticationGroup = "authentication.k8s.io"

  /// Create-only resources, as kube-apiserver's discovery lists them.
  static let resources: [APIResourceInfo] = [
    .init(
      group: authorizationGroup, version: "v1", kind: "LocalSubjectAccessReview", resource: "localsubjectaccessreviews", namespaced: true,
      verbs: ["create"]),
    .init(
      group: authorizationGroup, version: "v1", kind: "SelfSubjectAccessReview", resource: "selfsubjectaccessreviews", namespaced: false,
      verbs: ["create"]),
    .init(
      group: authorizationGroup, version: "v1", kind: "SelfSubjectRulesReview", resource: "selfsubjectrulesreviews", namespaced: false,
      verbs: ["create"]),
    .init(
      group: authorizationGroup, version: "v1", kind: "SubjectAccessReview", resource: "subjectaccessreviews", namespaced: false,
      verbs: ["create"]),
    .init(
      group: authenticationGroup, version: "v1", kind: "SelfSubjectReview", resource: "selfsubjectreviews", namespaced: false,
      verbs: ["create"]),
  ]

  static func serves(_ info: APIResourceInfo) -> Bool {
    resources.contains { $0.group == info.group && $0.resource == info.resource }
  }

  func create(_ route: ResourceRoute, body: Value, user: UserInfo) async throws(KubeError) -> APIResponse {
    var review = body
    review["apiVersion"] = .string(route.gvk.apiVersion)
    review["kind"] = .string(route.info.kind)
    if review["metadata"] == nil { review["metadata"] = [:] }
    let spec = review["spec"] ?? [:]
    switch route.info.resource {
    case "selfsubjectaccessreviews":
      let attributes = try Self.attributes(spec, user: user, kind: route.info.kind)
      review["status"] = Self.status(await authorize(attributes))
    case "subjectaccessreviews", "localsubjectaccessreviews":
      let subject = UserInfo(
        name: spec["user"]?.stringValue ?? "", uid: spec["uid"]?.stringValue ?? "",
        groups: (spec["groups"]?.arrayValue ?? []).compactMap(\.stringValue), extra: Self.extra(spec["extra"]))
      if subject.name.isEmpty && subject.groups.isEmpty {
        throw Self.invalid(route.info.kind, "spec.user", "\"\"", "at least one of user or group must be specified")
      }
      if route.info.namespaced {
        let namespace = route.namespace ?? ""
        if spec[path: ["resourceAttributes", "namespace"]]?.stringValue != namespace || spec["nonResourceAttributes"] != nil {
          throw KubeError.badRequest("spec.resourceAttributes.namespace must match namespace: \(namespace)")
        }
        review[path: ["metadata", "namespace"]] = .string(namespace)
      }
      let attributes = try Self.attributes(spec, user: subject, kind: route.info.kind)
      review["status"] = Self.status(await authorize(attributes))
    case "selfsubjectrulesreviews":
      let namespace = spec["namespace"]?.stringValue ?? ""
      if namespace.isEmpty { throw KubeError.badRequest("no namespace on request") }
      let (granted, error) = await rules(user, namespace)
      var status: Value = [
        "resourceRules": .array(granted.filter { !$0.resources.isEmpty }.map(Self.resourceRule)),
        "nonResourceRules": .array(granted.filter { !$0.nonResourceURLs.isEmpty }.map(Self.nonResourceRule)),
        "incomplete": false,
      ]
      if !error.isEmpty { status["evaluationError"] = .string(error) }
      review["status"] = status
    default:
      var info: Value = ["username": .string(user.name)]
      if !user.uid.isEmpty { info["uid"] = .string(user.uid) }
      if !user.groups.isEmpty { info["groups"] = .array(user.groups.map(Value.string)) }
      if !user.extra.isEmpty {
        info["extra"] = .object(
          .init(uniqueKeysWithValues: user.extra.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map(Value.string))) }))
      }
      review["status"] = ["userInfo": info]
    }
    return .json(status: 201, body: review)
  }

  /// authorizationutil.ResourceAttributesFrom / NonResourceAttributesFrom, after upstream's
  /// check that exactly one of the two is given.
  static func attributes(_ spec: Value, user: UserInfo, kind: String) throws(KubeError) -> AuthorizationAttributes {
    let resource = spec["resourceAttributes"]
    let nonResource = spec["nonResourceAttributes"]
    if resource != nil && nonResource != nil {
      throw invalid(
        kind, "spec.nonResourceAttributes", "&authorization.NonResourceAttributes{...}",
        "cannot be specified in combination with resourceAttributes")
    }
    if let resource {
      func text(_ key: String) -> String { resource[key]?.stringValue ?? "" }
      return AuthorizationAttributes(
        user: user, verb: text("verb"), namespace: text("namespace"), apiGroup: text("group"),
        apiVersion: text("version").isEmpty ? "*" : text("version"), resource: text("resource"), subresource: text("subresource"),
        name: text("name"))
    }
    guard let nonResource else {
      throw invalid(kind, "spec.resourceAttributes", "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified")
    }
    return AuthorizationAttributes(user: user, verb: nonResource["verb"]?.stringValue ?? "", path: nonResource["path"]?.stringValue ?? "")
  }

  static func status(_ decision: AuthorizationDecision) -> Value {
    var status: Value = ["allowed": .bool(decision.isAllowed)]
    if case .deny = decision { status["denied"] = true }
    if !decision.reason.isEmpty { status["reason"] = .string(decision.reason) }
    return status
  }

  static func resourceRule(_ rule: PolicyRule) -> Value {
    var value: Value = ["verbs": .array(rule.verbs.map(Value.string))]
    if !rule.apiGroups.isEmpty { value["apiGroups"] = .array(rule.apiGroups.map(Value.string)) }
    value["resources"] = .array(rule.resources.map(Value.string))
    if !rule.resourceNames.isEmpty { value["resourceNames"] = .array(rule.resourceNames.map(Value.string)) }
    return value
  }

  static func nonResourceRule(_ rule: PolicyRule) -> Value {
    ["verbs": .array(rule.verbs.map(Value.string)), "nonResourceURLs": .array(rule.nonResourceURLs.map(Value.string))]
  }

  static func extra(_ value: Value?) -> [String: [String]] {
    var extra: [String: [String]] = [:]
    for (key, values) in value?.objectValue ?? [:] { extra[key] = (values.arrayValue ?? []).compactMap(\.stringValue) }
    return extra
  }

  static func invalid(_ kind: String, _ field: String, _ value: String, _ reason: String) -> KubeError {
    let group = kind == "SelfSubjectReview" ? authenticationGroup : authorizationGroup
    return KubeError.invalid(
      kind: kind, group: group, name: "",
      causes: [StatusCause(type: "FieldValueInvalid", field: field, message: "Invalid value: \(value): \(reason)")])
  }
}
