public import Manifest

/// The order objects are applied in, so each finds what it refers to: namespaces and CRDs,
/// then identities and permissions, then configuration and storage, services, workloads, and
/// last what points at workloads (autoscalers, budgets, ingresses). Prunes run in reverse.
public enum ApplyOrder {
  static let phases: [[String]] = [
    ["Namespace", "CustomResourceDefinition", "PriorityClass", "StorageClass"],
    ["ServiceAccount", "ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding", "ResourceQuota", "LimitRange", "NetworkPolicy"],
    ["ConfigMap", "Secret", "PersistentVolume", "PersistentVolumeClaim"],
    ["Service", "Endpoints", "EndpointSlice"],
    ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"],
    ["HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress", "IngressClass"],
  ]

  /// Kinds not listed (custom resources among them) go after the workloads, before what points at them.
  public static func phase(of kind: String) -> Int {
    phases.firstIndex { $0.contains(kind) } ?? 4
  }

  /// Stable: within a phase, render order is kept.
  public static func sorted(_ objects: [Value]) -> [Value] {
    objects.enumerated().sorted { a, b in
      let pa = phase(of: a.element.kind ?? ""), pb = phase(of: b.element.kind ?? "")
      return pa != pb ? pa < pb : a.offset < b.offset
    }.map(\.element)
  }
}
