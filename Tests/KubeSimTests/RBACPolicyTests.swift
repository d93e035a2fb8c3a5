import Kube
import KubeSim
import Manifest
import Testing

/// RBAC in the simulated cluster: the bootstrap policy, aggregation, validation and
/// TokenRequest tokens on the virtual clock.
@Suite("RBAC in the simulated cluster")
struct RBACPolicyTests {
  static let clusterRole = GroupVersionKind(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole")

  static func clusterRoleID(_ name: String) -> ResourceID { ResourceID(gvk: clusterRole, namespace: nil, name: name) }

  @Test func theBootstrapPolicyAggregatesAdminEditAndView() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    try await sim.bootstrapPolicy()
    let view = try await sim.get(Self.clusterRoleID("view"))
    let edit = try await sim.get(Self.clusterRoleID("edit"))
    let admin = try await sim.get(Self.clusterRoleID("admin"))
    #expect(view.labels["kubernetes.io/bootstrapping"] == "rbac-defaults")
    #expect(view.annotations["rbac.authorization.kubernetes.io/autoupdate"] == "true")
    let viewRules = (view["rules"]?.arrayValue ?? []).map(PolicyRule.init)
    #expect(
      viewRules.contains(
        PolicyRule(
          verbs: ["get", "list", "watch"], apiGroups: ["autoscaling"],
          resources: ["horizontalpodautoscalers", "horizontalpodautoscalers/status"])))
    let editRules = (edit["rules"]?.arrayValue ?? []).map(PolicyRule.init)
    // edit = system:aggregate-to-edit + view; admin = edit + system:aggregate-to-admin.
    #expect(editRules.count > viewRules.count)
    #expect(viewRules.allSatisfy(editRules.contains))
    let adminRules = (admin["rules"]?.arrayValue ?? []).map(PolicyRule.init)
    #expect(editRules.allSatisfy(adminRules.contains))
    #expect(adminRules.contains { $0.resources == ["rolebindings", "roles"] })
    #expect(
      view[path: ["metadata", "managedFields"]]?.arrayValue?.contains { $0["manager"] == "clusterrole-aggregation-controller" } == true)

    let drift = UserInfo.serviceAccount(namespace: "llm", name: "drift")
    let list = AuthorizationAttributes(user: drift, verb: "list", namespace: "llm", apiGroup: "apps", resource: "deployments")
    #expect(await !sim.authorize(list).isAllowed)
    _ = try await sim.create(
      [
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": ["name": "drift-view", "namespace": "llm"],
        "roleRef": ["kind": "ClusterRole", "name": "view"], "subjects": [["kind": "ServiceAccount", "name": "drift"]],
      ], options: WriteOptions())
    #expect(await sim.authorize(list).isAllowed)
    var delete = list
    delete.verb = "delete"
    #expect(await !sim.authorize(delete).isAllowed)
    // Discovery for every authenticated user, and everything for system:masters.
    #expect(await sim.authorize(AuthorizationAttributes(user: drift, verb: "get", path: "/apis/apps/v1")).isAllowed)
    #expect(
      await sim.authorize(
        AuthorizationAttributes(user: UserInfo(name: "root", groups: ["system:masters"]), verb: "delete", resource: "nodes")
      ).isAllowed)

    // A role a CRD's author labels joins view at once.
    _ = try await sim.create(
      [
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": ["name": "models-view", "labels": ["rbac.authorization.k8s.io/aggregate-to-view": "true"]],
        "rules": [["apiGroups": ["ml.example.com"], "resources": ["models"], "verbs": ["get"]]],
      ], options: WriteOptions())
    let grown = (try await sim.get(Self.clusterRoleID("admin"))["rules"]?.arrayValue ?? []).map(PolicyRule.init)
    #expect(grown.contains(PolicyRule(verbs: ["get"], apiGroups: ["ml.example.com"], resources: ["models"])))
  }

  @Test func bootstrappingAgainRestoresWhatWasDeletedAndKeepsWhatWasChanged() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    try await sim.bootstrapPolicy()
    _ = try await sim.delete(Self.clusterRoleID("cluster-admin"), options: DeleteOptions())
    _ = try await sim.patch(
      Self.clusterRoleID("system:discovery"), type: .merge, body: ["metadata": ["labels": ["changed": "yes"]]], subresource: nil,
      options: WriteOptions(fieldManager: "test"))
    try await sim.bootstrapPolicy()
    #expect(try await sim.get(Self.clusterRoleID("cluster-admin")).name == "cluster-admin")
    #expect(try await sim.get(Self.clusterRoleID("system:discovery")).labels["changed"] == "yes")
  }

  static let validationCases: [(String, Value, String?)] = [
    (
      "a system: name",
      ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": ["name": "system:x"], "rules": []], nil
    ),
    (
      "a slash in a name",
      ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": ["name": "a/b"], "rules": []],
      #"ClusterRole.rbac.authorization.k8s.io "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain '/'"#
    ),
    (
      "a rule without verbs",
      [
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ["name": "r", "namespace": "llm"],
        "rules": [["apiGroups": [""], "resources": ["pods"]]],
      ],
      #"Role.rbac.authorization.k8s.io "r" is invalid: rules[0].verbs: Required value: verbs must contain at least one value"#
    ),
    (
      "a namespaced rule on a URL",
      [
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ["name": "r", "namespace": "llm"],
        "rules": [["nonResourceURLs": ["/x"], "verbs": ["get"]]],
      ],
      #"Role.rbac.authorization.k8s.io "r" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs"#
    ),
    (
      "a ClusterRoleBinding to a Role",
      [
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": ["name": "b"],
        "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"], "subjects": [],
      ],
      #"ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole""#
    ),
    (
      "a ClusterRoleBinding's service account without a namespace",
      [
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": ["name": "b"],
        "roleRef": ["kind": "ClusterRole", "name": "view"], "subjects": [["kind": "ServiceAccount", "name": "drift"]],
      ],
      #"ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: subjects[0].namespace: Required value"#
    ),
  ]

  @Test(arguments: validationCases.indices) func validation(_ index: Int) async throws {
    let (name, object, message) = Self.validationCases[index]
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    do {
      _ = try await sim.create(object, options: WriteOptions())
      #expect(message == nil, "\(name)")
    } catch {
      #expect(error.description == message, "\(name)")
    }
  }

  @Test func bindingsAreDefaultedAndTheirRoleRefNeverChanges() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let created = try await sim.create(
      [
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": ["name": "b", "namespace": "llm"],
        "roleRef": ["kind": "ClusterRole", "name": "view"],
        "subjects": [["kind": "User", "name": "alice"], ["kind": "ServiceAccount", "name": "drift"]],
      ], options: WriteOptions())
    #expect(created[path: ["roleRef", "apiGroup"]] == "rbac.authorization.k8s.io")
    #expect(created["subjects"]?.arrayValue?.map { $0["apiGroup"] } == ["rbac.authorization.k8s.io", nil])
    var changed = created
    changed[path: ["roleRef", "name"]] = "edit"
    await #expect(throws: KubeError.self) { try await sim.update(changed, subresource: nil, options: WriteOptions()) }
    do {
      _ = try await sim.update(changed, subresource: nil, options: WriteOptions())
    } catch {
      #expect(
        error.description.hasSuffix(
          "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef"
        ))
    }
  }

  static let serviceAccount: Value = ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": "drift", "namespace": "llm"]]
  static let serviceAccountID = ResourceID(
    gvk: GroupVersionKind(group: "", version: "v1", kind: "ServiceAccount"), namespace: "llm", name: "drift")

  @Test func tokensExpireOnVirtualTimeAndDieWithTheirAccount() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    _ = try await sim.create(Self.serviceAccount, options: WriteOptions())
    let answer = try await sim.requestToken(
      for: Self.serviceAccountID, request: ["spec": ["expirationSeconds": 1200]], digest: "d1", id: "j1")
    #expect(answer[path: ["spec", "expirationSeconds"]] == 1200)
    #expect(answer[path: ["spec", "audiences"]] == ["https://kubernetes.default.svc.cluster.local"])
    #expect(answer[path: ["status", "expirationTimestamp"]] == .string(SimInstant.zero.advanced(by: .seconds(1200)).rfc3339))
    let user = await sim.authenticateServiceAccountToken(digest: "d1")
    #expect(user?.name == "system:serviceaccount:llm:drift")
    #expect(user?.extra["authentication.kubernetes.io/credential-id"] == ["JTI=j1"])
    #expect(await sim.authenticateServiceAccountToken(digest: "unknown") == nil)
    await sim.advance(by: .seconds(1199))
    #expect(await sim.authenticateServiceAccountToken(digest: "d1") != nil)
    await sim.advance(by: .seconds(1))
    #expect(await sim.authenticateServiceAccountToken(digest: "d1") == nil)

    _ = try await sim.requestToken(for: Self.serviceAccountID, request: [:], digest: "d2", id: "j2")
    _ = try await sim.requestToken(for: Self.serviceAccountID, request: ["spec": ["audiences": ["vault"]]], digest: "d3", id: "j3")
    #expect(await sim.authenticateServiceAccountToken(digest: "d2") != nil)
    #expect(await sim.authenticateServiceAccountToken(digest: "d3") == nil, "a token for another audience")
    _ = try await sim.delete(Self.serviceAccountID, options: DeleteOptions())
    _ = try await sim.create(Self.serviceAccount, options: WriteOptions())
    #expect(await sim.authenticateServiceAccountToken(digest: "d2") == nil, "the account was recreated: another uid")
  }

  @Test func tokenRequestsAreValidatedAsUpstreamValidatesThem() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    await #expect(throws: KubeError.notFound("serviceaccounts", group: "", name: "drift")) {
      try await sim.requestToken(for: Self.serviceAccountID, request: [:], digest: "d", id: "j")
    }
    _ = try await sim.create(Self.serviceAccount, options: WriteOptions())
    do {
      _ = try await sim.requestToken(for: Self.serviceAccountID, request: ["spec": ["expirationSeconds": 60]], digest: "d", id: "j")
      Issue.record("a one-minute token was issued")
    } catch {
      #expect(
        error.description
          == #"TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"#
      )
    }
    do {
      _ = try await sim.requestToken(
        for: Self.serviceAccountID, request: ["spec": ["boundObjectRef": ["kind": "Deployment", "apiVersion": "apps/v1", "name": "x"]]],
        digest: "d", id: "j")
      Issue.record("bound to a Deployment")
    } catch {
      #expect(error.description == "cannot bind token to object of type apps/v1, Kind=Deployment")
    }
  }
}
