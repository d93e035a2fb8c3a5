public import Manifest

/// kustomize's default output order ("legacy"): kinds that others depend on first (Namespace,
/// CRDs, RBAC, ConfigMaps ... workloads), webhooks last, everything else in between ordered by
/// `group_version_kind` (the core group written `~G`, so it sorts after named groups), then by
/// namespace (none, `~X`, last) and name.
public struct LegacyOrder: Sendable {
  public static let defaultFirst = [
    "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
    "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret",
    "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim",
    "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
  ]
  public static let defaultLast = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]

  let rank: [String: Int]

  public init(first: [String] = defaultFirst, last: [String] = defaultLast) {
    var rank: [String: Int] = [:]
    for (i, kind) in first.enumerated() { rank[kind] = -first.count + i }
    for (i, kind) in last.enumerated() { rank[kind] = 1 + i }
    self.rank = rank
  }

  public func sorted(_ objects: [Value]) -> [Value] {
    let keyed = objects.map { (key: key(for: $0), object: $0) }
    return keyed.sorted { a, b in
      if a.key.rank != b.key.rank { return a.key.rank < b.key.rank }
      if a.key.gvk != b.key.gvk { return a.key.gvk < b.key.gvk }
      return a.key.location < b.key.location
    }.map(\.object)
  }

  private func key(for object: Value) -> (rank: Int, gvk: String, location: String) {
    let gvk = object.objectGVK ?? GroupVersionKind(group: "", version: "", kind: "")
    let group = gvk.group.isEmpty ? "~G" : gvk.group
    let version = gvk.version.isEmpty ? "~V" : gvk.version
    let kind = gvk.kind.isEmpty ? "~K" : gvk.kind
    let namespace = object.objectNamespace ?? "~X"
    return (rank[gvk.kind] ?? 0, "\(group)_\(version)_\(kind)", "\(namespace)|\(object.objectName ?? "")")
  }
}
