import KubeSim
import Testing

/// The escalation check's arithmetic (pkg/registry/rbac/validation/policy_comparator.go):
/// what a writer must hold to grant a rule.
@Suite("RBAC escalation check")
struct RBACEscalationTests {
  static let readDeployments = PolicyRule(verbs: ["get", "list", "watch"], apiGroups: ["apps"], resources: ["deployments"])

  @Test func aHeldRuleCoversItselfAndLess() {
    #expect(RBACEscalation.missing(owner: [Self.readDeployments], requested: [Self.readDeployments]).isEmpty)
    #expect(
      RBACEscalation.missing(
        owner: [Self.readDeployments],
        requested: [PolicyRule(verbs: ["get"], apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["vllm"])]
      ).isEmpty)
    #expect(
      RBACEscalation.missing(owner: [PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])], requested: [Self.readDeployments])
        .isEmpty)
  }

  @Test func whatIsNotHeldIsMissingCompactedByResource() {
    let wanted = PolicyRule(verbs: ["get", "delete", "patch"], apiGroups: ["apps"], resources: ["deployments", "replicasets"])
    let missing = RBACEscalation.missing(owner: [Self.readDeployments], requested: [wanted])
    #expect(
      missing == [
        PolicyRule(verbs: ["delete", "patch"], apiGroups: ["apps"], resources: ["deployments"]),
        PolicyRule(verbs: ["get", "delete", "patch"], apiGroups: ["apps"], resources: ["replicasets"]),
      ])
  }

  @Test func namesSubresourcesAndURLs() {
    let named = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["model"])
    #expect(
      !RBACEscalation.missing(owner: [named], requested: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["configmaps"])]).isEmpty)
    #expect(
      RBACEscalation.missing(
        owner: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["*/log"])],
        requested: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods/log"])]
      ).isEmpty)
    #expect(
      !RBACEscalation.missing(
        owner: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods"])],
        requested: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods/log"])]
      ).isEmpty)
    #expect(
      RBACEscalation.missing(
        owner: [PolicyRule(verbs: ["get"], nonResourceURLs: ["/apis/*"])],
        requested: [PolicyRule(verbs: ["get"], nonResourceURLs: ["/apis/apps"])]
      ).isEmpty)
  }

  @Test func theMessageIsUpstreams() {
    let user = UserInfo.serviceAccount(namespace: "llm", name: "drift")
    let missing = [
      PolicyRule(verbs: ["delete"], apiGroups: ["apps"], resources: ["deployments"]),
      PolicyRule(verbs: ["get"], nonResourceURLs: ["/metrics"]),
    ]
    #expect(
      RBACEscalation.message(user: user, missing: missing) == """
        user "system:serviceaccount:llm:drift" (groups=["system:serviceaccounts" "system:serviceaccounts:llm" "system:authenticated"]) \
        is attempting to grant RBAC permissions not currently held:
        {APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}
        {NonResourceURLs:["/metrics"], Verbs:["get"]}
        """)
  }
}
