import Kube
import Manifest

/// kube-controller-manager's clusterrole-aggregation controller: a ClusterRole with an
/// `aggregationRule` gets, as its rules, the rules of every other ClusterRole its selectors
/// match, in name order, each rule once. That is how `admin`, `edit` and `view` (and roles a
/// CRD's author labels `aggregate-to-view`) are filled; nested aggregation settles over passes.
extension SimCluster {
  static let gvkClusterRole = GroupVersionKind(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole")

  mutating func runClusterRoleAggregation() {
    // Controllers run many passes a second; ClusterRoles rarely change.
    guard clusterRolesVersion != api.store.versionOfLastChange(to: Self.gvkClusterRole) else { return }
    let roles = api.store.list(Self.gvkClusterRole)
    var wrote = false
    for role in roles {
      guard let selectors = role[path: ["aggregationRule", "clusterRoleSelectors"]]?.arrayValue else { continue }
      var rules: [Value] = []
      var seen: Set<PolicyRule> = []
      for selector in selectors {
        guard let parsed = ObjectSelector(selector) else { continue }
        // `roles` is in name order, as upstream sorts the matches.
        for other in roles where other.name != role.name && parsed.matches(other) {
          for rule in other["rules"]?.arrayValue ?? [] where seen.insert(PolicyRule(rule)).inserted { rules.append(rule) }
        }
      }
      if (role["rules"]?.arrayValue ?? []) == rules { continue }
      var updated = role
      updated["rules"] = .array(rules)
      write(updated, manager: "clusterrole-aggregation-controller")
      wrote = true
    }
    // A role filled now may feed another (edit into admin): settled only after a quiet pass.
    if !wrote { clusterRolesVersion = api.store.versionOfLastChange(to: Self.gvkClusterRole) }
  }
}
