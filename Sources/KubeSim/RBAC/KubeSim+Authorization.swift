public import Kube
import Manifest

/// The served cluster's authorization, as kube-apiserver chains it: members of
/// `system:masters` may do anything, then RBAC decides over the policy objects stored now.
extension KubeSim {
  static let gvkRole = GroupVersionKind(group: "rbac.authorization.k8s.io", version: "v1", kind: "Role")
  static let gvkRoleBinding = GroupVersionKind(group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding")
  static let gvkClusterRoleBinding = GroupVersionKind(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding")

  public func authorize(_ request: AuthorizationAttributes) -> AuthorizationDecision {
    if request.user.groups.contains(UserInfo.privilegedGroup) { return .allow(reason: "") }
    return rbacAuthorizer(namespace: request.namespace).authorize(request)
  }

  /// What a SelfSubjectRulesReview lists: the rules RBAC grants `user` in `namespace`.
  public func rules(for user: UserInfo, namespace: String) -> (rules: [PolicyRule], evaluationError: String) {
    rbacAuthorizer(namespace: namespace).rules(for: user, namespace: namespace)
  }

  /// Only the namespace's own Roles and RoleBindings: a request is never granted by another's.
  func rbacAuthorizer(namespace: String) -> RBACAuthorizer {
    let store = cluster.api.store
    let scoped = namespace.isEmpty ? nil : namespace
    return RBACAuthorizer(
      clusterRoles: store.list(SimCluster.gvkClusterRole), roles: scoped.map { store.list(Self.gvkRole, namespace: $0) } ?? [],
      clusterRoleBindings: store.list(Self.gvkClusterRoleBinding),
      roleBindings: scoped.map { store.list(Self.gvkRoleBinding, namespace: $0) } ?? [])
  }

  /// Creates the default roles and bindings that are missing, as kube-apiserver does each
  /// time it starts: a deleted default comes back; one a person changed is kept as it is.
  public func bootstrapPolicy() throws(KubeError) {
    for object in try BootstrapPolicy.objects() {
      guard let id = object.resourceID, cluster.api.store.get(id) == nil else { continue }
      _ = try cluster.api.create(object, manager: "kube-apiserver", now: cluster.now)
    }
    settle()
  }
}
