public import Manifest

/// The built-in resource types `release` works with, as discovery reports them.
public enum BuiltinResources {
  static let rw = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

  public static let all: [APIResourceInfo] = [
    .init(group: "", version: "v1", kind: "Namespace", resource: "namespaces", namespaced: false, verbs: rw, shortNames: ["ns"], subresources: ["status"]),
    .init(group: "", version: "v1", kind: "Node", resource: "nodes", namespaced: false, verbs: rw, shortNames: ["no"], subresources: ["status"]),
    .init(group: "", version: "v1", kind: "Pod", resource: "pods", namespaced: true, verbs: rw, shortNames: ["po"], subresources: ["status", "eviction", "log", "binding"]),
    .init(group: "", version: "v1", kind: "Service", resource: "services", namespaced: true, verbs: rw, shortNames: ["svc"], subresources: ["status"]),
    .init(group: "", version: "v1", kind: "Endpoints", resource: "endpoints", namespaced: true, verbs: rw, shortNames: ["ep"]),
    .init(group: "", version: "v1", kind: "ConfigMap", resource: "configmaps", namespaced: true, verbs: rw, shortNames: ["cm"]),
    .init(group: "", version: "v1", kind: "Secret", resource: "secrets", namespaced: true, verbs: rw),
    .init(group: "", version: "v1", kind: "ServiceAccount", resource: "serviceaccounts", namespaced: true, verbs: rw, shortNames: ["sa"], subresources: ["token"]),
    .init(group: "", version: "v1", kind: "PersistentVolumeClaim", resource: "persistentvolumeclaims", namespaced: true, verbs: rw, shortNames: ["pvc"], subresources: ["status"]),
    .init(group: "", version: "v1", kind: "PersistentVolume", resource: "persistentvolumes", namespaced: false, verbs: rw, shortNames: ["pv"], subresources: ["status"]),
    .init(group: "", version: "v1", kind: "Event", resource: "events", namespaced: true, verbs: rw, shortNames: ["ev"]),
    // Stored and listed (`kubectl create quota`); nothing enforces it yet.
    .init(group: "", version: "v1", kind: "ResourceQuota", resource: "resourcequotas", namespaced: true, verbs: rw, shortNames: ["quota"], subresources: ["status"]),
    .init(group: "apps", version: "v1", kind: "Deployment", resource: "deployments", namespaced: true, verbs: rw, shortNames: ["deploy"], subresources: ["status", "scale"]),
    .init(group: "apps", version: "v1", kind: "ReplicaSet", resource: "replicasets", namespaced: true, verbs: rw, shortNames: ["rs"], subresources: ["status", "scale"]),
    .init(group: "apps", version: "v1", kind: "StatefulSet", resource: "statefulsets", namespaced: true, verbs: rw, shortNames: ["sts"], subresources: ["status", "scale"]),
    .init(group: "apps", version: "v1", kind: "DaemonSet", resource: "daemonsets", namespaced: true, verbs: rw, shortNames: ["ds"], subresources: ["status"]),
    .init(group: "apps", version: "v1", kind: "ControllerRevision", resource: "controllerrevisions", namespaced: true, verbs: rw),
    .init(group: "batch", version: "v1", kind: "Job", resource: "jobs", namespaced: true, verbs: rw, subresources: ["status"]),
    .init(group: "batch", version: "v1", kind: "CronJob", resource: "cronjobs", namespaced: true, verbs: rw, shortNames: ["cj"], subresources: ["status"]),
    .init(group: "policy", version: "v1", kind: "PodDisruptionBudget", resource: "poddisruptionbudgets", namespaced: true, verbs: rw, shortNames: ["pdb"], subresources: ["status"]),
    .init(group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler", resource: "horizontalpodautoscalers", namespaced: true, verbs: rw, shortNames: ["hpa"], subresources: ["status"]),
    // Served too, converted to and from v2 (the preferred version, listed first), as
    // `kubectl autoscale` still posts v1.
    .init(group: "autoscaling", version: "v1", kind: "HorizontalPodAutoscaler", resource: "horizontalpodautoscalers", namespaced: true, verbs: rw, shortNames: ["hpa"], subresources: ["status"]),
    .init(group: "networking.k8s.io", version: "v1", kind: "Ingress", resource: "ingresses", namespaced: true, verbs: rw, shortNames: ["ing"], subresources: ["status"]),
    .init(group: "networking.k8s.io", version: "v1", kind: "IngressClass", resource: "ingressclasses", namespaced: false, verbs: rw),
    .init(group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", resource: "networkpolicies", namespaced: true, verbs: rw, shortNames: ["netpol"]),
    .init(group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", resource: "endpointslices", namespaced: true, verbs: rw),
    .init(group: "coordination.k8s.io", version: "v1", kind: "Lease", resource: "leases", namespaced: true, verbs: rw),
    .init(group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", resource: "roles", namespaced: true, verbs: rw),
    .init(group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", resource: "rolebindings", namespaced: true, verbs: rw),
    .init(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", resource: "clusterroles", namespaced: false, verbs: rw),
    .init(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", resource: "clusterrolebindings", namespaced: false, verbs: rw),
    .init(group: "events.k8s.io", version: "v1", kind: "Event", resource: "events", namespaced: true, verbs: rw, shortNames: ["ev"]),
    .init(group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass", resource: "priorityclasses", namespaced: false, verbs: rw, shortNames: ["pc"]),
    .init(group: "storage.k8s.io", version: "v1", kind: "StorageClass", resource: "storageclasses", namespaced: false, verbs: rw, shortNames: ["sc"]),
    .init(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", resource: "customresourcedefinitions", namespaced: false, verbs: rw, shortNames: ["crd"], subresources: ["status"]),
  ]

  public static func info(for gvk: GroupVersionKind) -> APIResourceInfo? {
    if let exact = all.first(where: { $0.gvk == gvk }) { return exact }
    return all.first { $0.group == gvk.group && $0.kind == gvk.kind }
  }
}
