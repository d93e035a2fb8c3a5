public import Manifest

/// kube-apiserver's RBAC authorizer over one snapshot of the policy objects: a request is
/// allowed when a rule of a role bound to its user allows it. ClusterRoleBindings are visited
/// first, then the RoleBindings of the request's namespace (which may grant a ClusterRole
/// there), each in name order, as upstream's DefaultRuleResolver visits them. Nothing is ever
/// denied outright: without an allowing rule the answer is "no opinion", which the API server
/// turns into 403.
public struct RBACAuthorizer: Sendable {
  var clusterRoles: [String: Value] = [:]
  var roles: [String: [String: Value]] = [:]
  var clusterRoleBindings: [Value] = []
  var roleBindings: [String: [Value]] = [:]

  /// The policy objects of a cluster, in any order (bindings are visited by name).
  public init(clusterRoles: [Value], roles: [Value], clusterRoleBindings: [Value], roleBindings: [Value]) {
    for role in clusterRoles { self.clusterRoles[role.name ?? ""] = role }
    for role in roles { self.roles[role.namespace ?? "", default: [:]][role.name ?? ""] = role }
    self.clusterRoleBindings = clusterRoleBindings.sorted { ($0.name ?? "") < ($1.name ?? "") }
    for binding in roleBindings { self.roleBindings[binding.namespace ?? "", default: []].append(binding) }
    for key in self.roleBindings.keys { self.roleBindings[key]?.sort { ($0.name ?? "") < ($1.name ?? "") } }
  }

  public func authorize(_ request: AuthorizationAttributes) -> AuthorizationDecision {
    var errors: [String] = []
    var allowedBy: String?
    visitRules(for: request.user, namespace: request.namespace) { source, rule, error in
      if let rule, let source, rule.allows(request) {
        allowedBy = source
        return false
      }
      if let error { errors.append(error) }
      return true
    }
    if let allowedBy { return .allow(reason: "RBAC: allowed by \(allowedBy)") }
    return .noOpinion(reason: errors.isEmpty ? "" : "RBAC: \(Self.aggregate(errors))")
  }

  /// Every rule that applies to `user` in `namespace` (cluster-wide ones included), and the
  /// problems met on the way (a binding to a missing role): a SelfSubjectRulesReview's answer.
  public func rules(for user: UserInfo, namespace: String) -> (rules: [PolicyRule], evaluationError: String) {
    var rules: [PolicyRule] = []
    var errors: [String] = []
    visitRules(for: user, namespace: namespace) { _, rule, error in
      if let rule { rules.append(rule) }
      if let error { errors.append(error) }
      return true
    }
    return (rules, errors.isEmpty ? "" : Self.aggregate(errors))
  }

  /// Calls `visit` with each rule granted to `user` and who granted it, or with an error for a
  /// binding whose role cannot be read; stops when `visit` returns false.
  func visitRules(for user: UserInfo, namespace: String, _ visit: (String?, PolicyRule?, String?) -> Bool) {
    for binding in clusterRoleBindings {
      let subjects = binding["subjects"]?.arrayValue ?? []
      guard let subject = subjects.first(where: { Self.applies($0, to: user, namespace: "") }) else { continue }
      let roleRef = binding["roleRef"] ?? [:]
      let rules: [PolicyRule]
      do {
        rules = try roleRules(roleRef, namespace: "")
      } catch {
        if !visit(nil, nil, error.message) { return }
        continue
      }
      let source =
        "ClusterRoleBinding \(GoQuote.quoted(binding.name ?? "")) of \(Self.describe(roleRef)) to \(Self.describe(subject, namespace: ""))"
      for rule in rules where !visit(source, rule, nil) { return }
    }
    guard !namespace.isEmpty else { return }
    for binding in roleBindings[namespace] ?? [] {
      let subjects = binding["subjects"]?.arrayValue ?? []
      guard let subject = subjects.first(where: { Self.applies($0, to: user, namespace: namespace) }) else { continue }
      let roleRef = binding["roleRef"] ?? [:]
      let rules: [PolicyRule]
      do {
        rules = try roleRules(roleRef, namespace: namespace)
      } catch {
        if !visit(nil, nil, error.message) { return }
        continue
      }
      // Upstream names a RoleBinding "name/namespace" here, the reverse of the usual order.
      let source =
        "RoleBinding \(GoQuote.quoted((binding.name ?? "") + "/" + namespace)) of \(Self.describe(roleRef)) to \(Self.describe(subject, namespace: namespace))"
      for rule in rules where !visit(source, rule, nil) { return }
    }
  }

  struct RoleError: Error {
    var message: String
  }

  func roleRules(_ roleRef: Value, namespace: String) throws(RoleError) -> [PolicyRule] {
    let name = roleRef["name"]?.stringValue ?? ""
    let role: Value?
    switch roleRef["kind"]?.stringValue ?? "" {
    case "ClusterRole":
      role = clusterRoles[name]
      if role == nil { throw RoleError(message: "clusterrole.rbac.authorization.k8s.io \(GoQuote.quoted(name)) not found") }
    case "Role":
      role = roles[namespace]?[name]
      if role == nil { throw RoleError(message: "role.rbac.authorization.k8s.io \(GoQuote.quoted(name)) not found") }
    case let kind:
      throw RoleError(message: "unsupported role reference kind: \(GoQuote.quoted(kind))")
    }
    return (role?["rules"]?.arrayValue ?? []).map(PolicyRule.init)
  }

  /// upstream's appliesToUser: a ServiceAccount subject without a namespace means the
  /// binding's own namespace.
  static func applies(_ subject: Value, to user: UserInfo, namespace: String) -> Bool {
    let name = subject["name"]?.stringValue ?? ""
    switch subject["kind"]?.stringValue ?? "" {
    case "User": return user.name == name
    case "Group": return user.groups.contains(name)
    case "ServiceAccount":
      let subjectNamespace = subject["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? namespace
      guard !subjectNamespace.isEmpty else { return false }
      return user.name == UserInfo.serviceAccountName(namespace: subjectNamespace, name: name)
    default: return false
    }
  }

  static func describe(_ roleRef: Value) -> String {
    "\(roleRef["kind"]?.stringValue ?? "") \(GoQuote.quoted(roleRef["name"]?.stringValue ?? ""))"
  }

  static func describe(_ subject: Value, namespace: String) -> String {
    let kind = subject["kind"]?.stringValue ?? ""
    let name = subject["name"]?.stringValue ?? ""
    guard kind == "ServiceAccount" else { return "\(kind) \(GoQuote.quoted(name))" }
    let subjectNamespace = subject["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? namespace
    return "\(kind) \(GoQuote.quoted(name + "/" + subjectNamespace))"
  }

  /// utilerrors.NewAggregate's text: one message alone, several in brackets, repeats dropped.
  static func aggregate(_ messages: [String]) -> String {
    var seen: Set<String> = []
    let unique = messages.filter { seen.insert($0).inserted }
    return unique.count == 1 ? unique[0] : "[" + unique.joined(separator: ", ") + "]"
  }
}

/// An authorizer's answer. RBAC never denies; it allows or has no opinion, and the API server
/// refuses what no authorizer allowed.
public enum AuthorizationDecision: Sendable, Hashable {
  case allow(reason: String)
  case deny(reason: String)
  case noOpinion(reason: String)

  public var isAllowed: Bool {
    if case .allow = self { return true }
    return false
  }

  public var reason: String {
    switch self {
    case .allow(let reason), .deny(let reason), .noOpinion(let reason): return reason
    }
  }
}
