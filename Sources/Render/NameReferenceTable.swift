/// Where objects refer to each other by name (kustomize's nameReference configuration): when
/// a ConfigMap gets a hash suffix or a Service a prefix, these fields follow.
struct NameReference: Sendable {
  /// The kind (and group) being referred to.
  var kind: String
  var group: String
  /// The referring kind; nil for "any kind with this path".
  var referrer: String?
  /// Slash path with `[]` for lists, like a FieldSpec.
  var path: String
  /// A sibling field that must name `kind` (e.g. roleRef.kind, scaleTargetRef.kind).
  var kindField: String?
  /// A sibling namespace field to set to the referred object's namespace (RBAC subjects).
  var namespaceField: String?

  /// `path` split once: the map holding the name, and the name's key in it.
  var parentPath: [String] { Array(path.split(separator: "/").dropLast().map(String.init)) }
  var leaf: String { path.split(separator: "/").last.map(String.init) ?? path }

  static let podSpecPrefixes: [(kind: String, prefix: String)] = [
    ("Pod", "spec"), ("PodTemplate", "template/spec"), ("Deployment", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"), ("DaemonSet", "spec/template/spec"), ("ReplicaSet", "spec/template/spec"),
    ("ReplicationController", "spec/template/spec"), ("Job", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
  ]

  static func podSpec(_ kind: String, _ relativePaths: [String]) -> [NameReference] {
    podSpecPrefixes.flatMap { workload in
      relativePaths.map { NameReference(kind: kind, group: "", referrer: workload.kind, path: workload.prefix + "/" + $0) }
    }
  }

  static let containerLists = ["containers", "initContainers", "ephemeralContainers"]

  static let table: [NameReference] = {
    var refs: [NameReference] = []
    refs += podSpec(
      "ConfigMap",
      ["volumes[]/configMap/name", "volumes[]/projected/sources[]/configMap/name"]
        + containerLists.flatMap {
          ["\($0)[]/env[]/valueFrom/configMapKeyRef/name", "\($0)[]/envFrom[]/configMapRef/name"]
        })
    refs += podSpec(
      "Secret",
      ["volumes[]/secret/secretName", "volumes[]/projected/sources[]/secret/name", "imagePullSecrets[]/name"]
        + containerLists.flatMap {
          ["\($0)[]/env[]/valueFrom/secretKeyRef/name", "\($0)[]/envFrom[]/secretRef/name"]
        })
    refs += [
      NameReference(kind: "Secret", group: "", referrer: "ServiceAccount", path: "imagePullSecrets[]/name"),
      NameReference(kind: "Secret", group: "", referrer: "ServiceAccount", path: "secrets[]/name"),
      NameReference(kind: "Secret", group: "networking.k8s.io", referrer: "Ingress", path: "spec/tls[]/secretName"),
    ]
    refs = refs.map { ref in
      var r = ref
      if r.kind == "Secret" { r.group = "" }
      return r
    }
    refs += podSpec("ServiceAccount", ["serviceAccountName", "serviceAccount"])
    refs += podSpec("PersistentVolumeClaim", ["volumes[]/persistentVolumeClaim/claimName"])
    refs += podSpec("PriorityClass", ["priorityClassName"]).map { ref in
      var r = ref
      r.group = "scheduling.k8s.io"
      return r
    }
    for binding in ["RoleBinding", "ClusterRoleBinding"] {
      refs.append(
        NameReference(
          kind: "ServiceAccount", group: "", referrer: binding, path: "subjects[]/name", kindField: "kind",
          namespaceField: "namespace"))
      refs.append(
        NameReference(kind: "ClusterRole", group: "rbac.authorization.k8s.io", referrer: binding, path: "roleRef/name", kindField: "kind"))
    }
    refs.append(
      NameReference(kind: "Role", group: "rbac.authorization.k8s.io", referrer: "RoleBinding", path: "roleRef/name", kindField: "kind"))
    refs += [
      NameReference(kind: "Service", group: "", referrer: "Ingress", path: "spec/rules[]/http/paths[]/backend/service/name"),
      NameReference(kind: "Service", group: "", referrer: "Ingress", path: "spec/defaultBackend/service/name"),
      NameReference(kind: "Service", group: "", referrer: "Ingress", path: "spec/rules[]/http/paths[]/backend/serviceName"),
      NameReference(kind: "Service", group: "", referrer: "Ingress", path: "spec/backend/serviceName"),
      NameReference(kind: "Service", group: "", referrer: "StatefulSet", path: "spec/serviceName"),
      NameReference(kind: "Service", group: "", referrer: "APIService", path: "spec/service/name"),
      NameReference(kind: "IngressClass", group: "networking.k8s.io", referrer: "Ingress", path: "spec/ingressClassName"),
      NameReference(kind: "PersistentVolume", group: "", referrer: "PersistentVolumeClaim", path: "spec/volumeName"),
      NameReference(kind: "StorageClass", group: "storage.k8s.io", referrer: "PersistentVolumeClaim", path: "spec/storageClassName"),
      NameReference(kind: "StorageClass", group: "storage.k8s.io", referrer: "PersistentVolume", path: "spec/storageClassName"),
      NameReference(
        kind: "StorageClass", group: "storage.k8s.io", referrer: "StatefulSet",
        path: "spec/volumeClaimTemplates[]/spec/storageClassName"),
    ]
    for kind in ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"] {
      let group = kind == "ReplicationController" ? "" : "apps"
      refs.append(
        NameReference(kind: kind, group: group, referrer: "HorizontalPodAutoscaler", path: "spec/scaleTargetRef/name", kindField: "kind"))
    }
    return refs
  }()
}
