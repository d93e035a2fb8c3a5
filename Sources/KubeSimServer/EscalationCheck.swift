import Kube
import KubeSim
import Manifest

/// The RBAC registry's guard on writes of roles and bindings, which sits behind authorization:
/// being allowed to create a Role does not let a subject grant more than it holds itself, nor
/// may it bind a role whose permissions it lacks — unless it holds `escalate` (roles) or
/// `bind` (bindings), or is in `system:masters`. Refused with upstream's 403 text.
struct EscalationCheck: Sendable {
  let authorize: @Sendable (AuthorizationAttributes) async -> AuthorizationDecision
  let rules: @Sendable (UserInfo, String) async -> (rules: [PolicyRule], evaluationError: String)
  let api: any KubeAPI

  static let group = "rbac.authorization.k8s.io"

  static func guards(_ route: ResourceRoute, user: UserInfo) -> Bool {
    route.info.group == group && ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].contains(route.info.kind)
      && !user.groups.contains(UserInfo.privilegedGroup)
  }

  /// `object` is what the write would store; `urlName` the name on the request's URL (none
  /// for a create, as the authorizer sees it).
  func check(_ object: Value, route: ResourceRoute, urlName: String?, user: UserInfo) async throws(KubeError) {
    guard Self.guards(route, user: user) else { return }
    let namespace = route.info.namespaced ? route.namespace ?? object.namespace ?? "" : ""
    let name = object.name ?? ""
    let requested: [PolicyRule]
    if route.info.kind.hasSuffix("Binding") {
      let roleKind = object[path: ["roleRef", "kind"]]?.stringValue ?? ""
      let roleName = object[path: ["roleRef", "name"]]?.stringValue ?? ""
      let bind = AuthorizationAttributes(
        user: user, verb: "bind", namespace: namespace, apiGroup: Self.group, apiVersion: "*",
        resource: roleKind == "Role" ? "roles" : "clusterroles", name: roleName)
      if await authorize(bind).isAllowed { return }
      let role = try await api.get(
        ResourceID(
          gvk: GroupVersionKind(group: Self.group, version: "v1", kind: roleKind), namespace: roleKind == "Role" ? namespace : nil,
          name: roleName))
      requested = (role["rules"]?.arrayValue ?? []).map(PolicyRule.init)
    } else {
      let escalate = AuthorizationAttributes(
        user: user, verb: "escalate", namespace: namespace, apiGroup: Self.group, apiVersion: "*", resource: route.info.resource,
        name: urlName ?? "")
      if await authorize(escalate).isAllowed { return }
      requested = (object["rules"]?.arrayValue ?? []).map(PolicyRule.init)
    }
    let owned = await rules(user, namespace)
    let missing = RBACEscalation.missing(owner: owned.rules, requested: requested)
    if missing.isEmpty { return }
    var message = RBACEscalation.message(user: user, missing: missing)
    if !owned.evaluationError.isEmpty { message += "; resolution errors: [\(owned.evaluationError)]" }
    let resource = route.info.resource
    throw KubeError.status(
      Status(
        code: 403, reason: .forbidden, message: "\(resource).\(Self.group) \(GoQuote.quoted(name)) is forbidden: \(message)",
        details: StatusDetails(name: name, group: Self.group, kind: resource)))
  }
}
