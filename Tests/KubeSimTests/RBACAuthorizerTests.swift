import Kube
import KubeSim
import Manifest
import Testing

/// The RBAC authorizer as a pure function of policy objects and request attributes, case by
/// case against upstream's rule matching (evaluation_helpers.go) and resolver (rule.go).
@Suite("RBAC authorizer")
struct RBACAuthorizerTests {
  static let drift = UserInfo.serviceAccount(namespace: "llm", name: "drift")
  static let alice = UserInfo(name: "alice", groups: ["ml-team", UserInfo.allAuthenticated])

  static func rule(_ verbs: [String], groups: [String] = [""], resources: [String] = [], names: [String] = [], urls: [String] = [])
    -> PolicyRule
  {
    PolicyRule(verbs: verbs, apiGroups: urls.isEmpty ? groups : [], resources: resources, resourceNames: names, nonResourceURLs: urls)
  }

  static func request(
    _ verb: String, _ resource: String, group: String = "", namespace: String = "llm", subresource: String = "", name: String = ""
  ) -> AuthorizationAttributes {
    AuthorizationAttributes(
      user: alice, verb: verb, namespace: namespace, apiGroup: group, resource: resource, subresource: subresource, name: name)
  }

  static let ruleCases: [(String, PolicyRule, AuthorizationAttributes, Bool)] = [
    (
      "exact verb, group, resource", rule(["list"], groups: ["apps"], resources: ["deployments"]),
      request("list", "deployments", group: "apps"), true
    ),
    ("another verb", rule(["list"], groups: ["apps"], resources: ["deployments"]), request("delete", "deployments", group: "apps"), false),
    (
      "another group", rule(["list"], groups: ["apps"], resources: ["deployments"]), request("list", "deployments", group: "extensions"),
      false
    ),
    (
      "any verb", rule(["*"], groups: ["apps"], resources: ["deployments"]), request("deletecollection", "deployments", group: "apps"), true
    ),
    ("any group", rule(["get"], groups: ["*"], resources: ["deployments"]), request("get", "deployments", group: "apps"), true),
    ("any resource", rule(["get"], groups: [""], resources: ["*"]), request("get", "pods", subresource: "log"), true),
    ("a resource does not grant its subresource", rule(["get"], resources: ["pods"]), request("get", "pods", subresource: "log"), false),
    ("resource/subresource", rule(["get"], resources: ["pods/log"]), request("get", "pods", subresource: "log"), true),
    ("a subresource does not grant the resource", rule(["get"], resources: ["pods/log"]), request("get", "pods"), false),
    (
      "*/subresource", rule(["update"], groups: ["*"], resources: ["*/scale"]),
      request("update", "deployments", group: "apps", subresource: "scale"), true
    ),
    (
      "*/subresource is not another subresource", rule(["update"], groups: ["*"], resources: ["*/scale"]),
      request("update", "deployments", group: "apps", subresource: "status"), false
    ),
    (
      "resourceNames match the name", rule(["get"], resources: ["configmaps"], names: ["model"]),
      request("get", "configmaps", name: "model"), true
    ),
    (
      "resourceNames exclude other names", rule(["get"], resources: ["configmaps"], names: ["model"]),
      request("get", "configmaps", name: "other"), false
    ),
    (
      "resourceNames exclude unnamed lists", rule(["list"], resources: ["configmaps"], names: ["model"]), request("list", "configmaps"),
      false
    ),
    ("a URL rule does not grant resources", rule(["get"], urls: ["*"]), request("get", "pods"), false),
    ("exact URL", rule(["get"], urls: ["/version"]), AuthorizationAttributes(user: alice, verb: "get", path: "/version"), true),
    ("URL prefix", rule(["get"], urls: ["/apis/*"]), AuthorizationAttributes(user: alice, verb: "get", path: "/apis/apps/v1"), true),
    (
      "URL prefix needs the slash", rule(["get"], urls: ["/apis/*"]), AuthorizationAttributes(user: alice, verb: "get", path: "/apis"),
      false
    ),
    ("any URL", rule(["*"], urls: ["*"]), AuthorizationAttributes(user: alice, verb: "post", path: "/metrics"), true),
    (
      "a resource rule grants no URL", rule(["*"], groups: ["*"], resources: ["*"]),
      AuthorizationAttributes(user: alice, verb: "get", path: "/version"), false
    ),
  ]

  @Test(arguments: ruleCases.indices) func ruleMatching(_ index: Int) {
    let (name, rule, request, allowed) = Self.ruleCases[index]
    #expect(rule.allows(request) == allowed, "\(name)")
  }

  static func role(_ name: String, namespace: String? = nil, _ rules: [PolicyRule]) -> Value {
    var metadata: Value = ["name": .string(name)]
    if let namespace { metadata["namespace"] = .string(namespace) }
    return ["kind": .string(namespace == nil ? "ClusterRole" : "Role"), "metadata": metadata, "rules": .array(rules.map(\.value))]
  }

  static func binding(_ name: String, namespace: String? = nil, role: (kind: String, name: String), subjects: [Value]) -> Value {
    var metadata: Value = ["name": .string(name)]
    if let namespace { metadata["namespace"] = .string(namespace) }
    return [
      "kind": .string(namespace == nil ? "ClusterRoleBinding" : "RoleBinding"), "metadata": metadata,
      "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": .string(role.kind), "name": .string(role.name)],
      "subjects": .array(subjects),
    ]
  }

  static let readDeployments = rule(["get", "list", "watch"], groups: ["apps"], resources: ["deployments"])

  @Test func aRoleBindingGrantsItsRoleInItsNamespaceOnly() {
    let authorizer = RBACAuthorizer(
      clusterRoles: [], roles: [Self.role("reader", namespace: "llm", [Self.readDeployments])], clusterRoleBindings: [],
      roleBindings: [
        Self.binding("drift-reads", namespace: "llm", role: ("Role", "reader"), subjects: [["kind": "ServiceAccount", "name": "drift"]])
      ])
    var request = AuthorizationAttributes(user: Self.drift, verb: "list", namespace: "llm", apiGroup: "apps", resource: "deployments")
    #expect(
      authorizer.authorize(request)
        == .allow(reason: #"RBAC: allowed by RoleBinding "drift-reads/llm" of Role "reader" to ServiceAccount "drift/llm""#))
    request.namespace = "default"
    #expect(authorizer.authorize(request) == .noOpinion(reason: ""))
    request.namespace = ""
    #expect(!authorizer.authorize(request).isAllowed, "a RoleBinding never grants cluster-wide")
  }

  @Test func aRoleBindingToAClusterRoleGrantsItInTheBindingsNamespace() {
    let authorizer = RBACAuthorizer(
      clusterRoles: [Self.role("view", [Self.readDeployments])], roles: [], clusterRoleBindings: [],
      roleBindings: [
        Self.binding("team-view", namespace: "llm", role: ("ClusterRole", "view"), subjects: [["kind": "Group", "name": "ml-team"]])
      ])
    #expect(authorizer.authorize(Self.request("get", "deployments", group: "apps")).isAllowed)
    #expect(!authorizer.authorize(Self.request("get", "deployments", group: "apps", namespace: "prod")).isAllowed)
  }

  @Test func clusterRoleBindingsGrantEverywhereAndAreVisitedFirst() {
    let authorizer = RBACAuthorizer(
      clusterRoles: [Self.role("view", [Self.readDeployments])], roles: [Self.role("reader", namespace: "llm", [Self.readDeployments])],
      clusterRoleBindings: [Self.binding("alice-views", role: ("ClusterRole", "view"), subjects: [["kind": "User", "name": "alice"]])],
      roleBindings: [
        Self.binding("alice-reads", namespace: "llm", role: ("Role", "reader"), subjects: [["kind": "User", "name": "alice"]])
      ])
    #expect(
      authorizer.authorize(Self.request("watch", "deployments", group: "apps"))
        == .allow(reason: #"RBAC: allowed by ClusterRoleBinding "alice-views" of ClusterRole "view" to User "alice""#))
    #expect(authorizer.authorize(Self.request("list", "deployments", group: "apps", namespace: "")).isAllowed)
  }

  @Test func subjectsMatchByKind() {
    let grant = Self.role("all", [Self.rule(["*"], groups: ["*"], resources: ["*"])])
    func allowed(_ subject: Value, _ user: UserInfo, bindingNamespace: String? = nil) -> Bool {
      let binding = Self.binding("b", namespace: bindingNamespace, role: ("ClusterRole", "all"), subjects: [subject])
      let authorizer = RBACAuthorizer(
        clusterRoles: [grant], roles: [], clusterRoleBindings: bindingNamespace == nil ? [binding] : [],
        roleBindings: bindingNamespace == nil ? [] : [binding])
      return authorizer.authorize(AuthorizationAttributes(user: user, verb: "get", namespace: "llm", resource: "pods")).isAllowed
    }
    #expect(allowed(["kind": "User", "name": "alice"], Self.alice))
    #expect(!allowed(["kind": "User", "name": "ml-team"], Self.alice), "a user subject is not a group")
    #expect(allowed(["kind": "Group", "name": "ml-team"], Self.alice))
    #expect(allowed(["kind": "Group", "name": "system:serviceaccounts:llm"], Self.drift))
    #expect(allowed(["kind": "ServiceAccount", "name": "drift", "namespace": "llm"], Self.drift))
    #expect(!allowed(["kind": "ServiceAccount", "name": "drift"], Self.drift), "a ClusterRoleBinding's service account needs a namespace")
    #expect(
      allowed(["kind": "ServiceAccount", "name": "drift"], Self.drift, bindingNamespace: "llm"), "a RoleBinding's defaults to its own")
    #expect(!allowed(["kind": "ServiceAccount", "name": "drift", "namespace": "prod"], Self.drift, bindingNamespace: "llm"))
    #expect(!allowed(["kind": "User", "name": .string(Self.drift.name), "namespace": "llm"], Self.alice))
  }

  @Test func aBindingToAMissingRoleIsTheReason() {
    let authorizer = RBACAuthorizer(
      clusterRoles: [], roles: [],
      clusterRoleBindings: [Self.binding("gone", role: ("ClusterRole", "removed"), subjects: [["kind": "User", "name": "alice"]])],
      roleBindings: [
        Self.binding("also-gone", namespace: "llm", role: ("Role", "missing"), subjects: [["kind": "User", "name": "alice"]]),
        Self.binding("someone-else", namespace: "llm", role: ("Role", "missing-too"), subjects: [["kind": "User", "name": "bob"]]),
      ])
    #expect(
      authorizer.authorize(Self.request("get", "pods"))
        == .noOpinion(
          reason: #"RBAC: [clusterrole.rbac.authorization.k8s.io "removed" not found, role.rbac.authorization.k8s.io "missing" not found]"#)
    )
    let rules = authorizer.rules(for: Self.alice, namespace: "default")
    #expect(rules.rules.isEmpty)
    #expect(rules.evaluationError == #"clusterrole.rbac.authorization.k8s.io "removed" not found"#)
  }

  @Test func rulesListEverythingGrantedInTheNamespace() {
    let urls = Self.rule(["get"], urls: ["/version"])
    let authorizer = RBACAuthorizer(
      clusterRoles: [Self.role("discovery", [urls])], roles: [Self.role("reader", namespace: "llm", [Self.readDeployments])],
      clusterRoleBindings: [
        Self.binding(
          "everyone", role: ("ClusterRole", "discovery"), subjects: [["kind": "Group", "name": .string(UserInfo.allAuthenticated)]])
      ],
      roleBindings: [
        Self.binding("drift-reads", namespace: "llm", role: ("Role", "reader"), subjects: [["kind": "ServiceAccount", "name": "drift"]])
      ])
    #expect(authorizer.rules(for: Self.drift, namespace: "llm").rules == [urls, Self.readDeployments])
    #expect(authorizer.rules(for: Self.drift, namespace: "prod").rules == [urls])
  }

  @Test func forbiddenMessagesAreUpstreams() {
    let list = AuthorizationAttributes(user: Self.drift, verb: "list", namespace: "llm", apiGroup: "apps", resource: "deployments")
    #expect(
      list.forbiddenMessage
        == #"User "system:serviceaccount:llm:drift" cannot list resource "deployments" in API group "apps" in the namespace "llm""#)
    let nodes = AuthorizationAttributes(user: Self.alice, verb: "patch", apiGroup: "", resource: "nodes", name: "gpu-1")
    #expect(nodes.forbiddenMessage == #"User "alice" cannot patch resource "nodes" in API group "" at the cluster scope"#)
    let log = AuthorizationAttributes(user: Self.alice, verb: "get", namespace: "llm", resource: "pods", subresource: "log", name: "p")
    #expect(log.forbiddenMessage == #"User "alice" cannot get resource "pods/log" in API group "" in the namespace "llm""#)
    #expect(
      AuthorizationAttributes(user: Self.alice, verb: "get", path: "/metrics").forbiddenMessage
        == #"User "alice" cannot get path "/metrics""#)
    #expect(
      AuthorizationAttributes(user: UserInfo(name: "a\"b"), verb: "get", path: "/").forbiddenMessage == #"User "a\"b" cannot get path "/""#)
  }

  @Test func serviceAccountNames() {
    #expect(UserInfo.splitServiceAccount("system:serviceaccount:llm:drift")! == ("llm", "drift"))
    #expect(UserInfo.splitServiceAccount("system:serviceaccount:llm") == nil)
    #expect(UserInfo.splitServiceAccount("system:serviceaccount:llm:drift:x") == nil)
    #expect(UserInfo.splitServiceAccount("alice") == nil)
    #expect(Self.drift.groups == ["system:serviceaccounts", "system:serviceaccounts:llm", "system:authenticated"])
  }
}
