import Manifest

/// Where objects refer to each other by name (kustomize's nameReference configuration): when
/// a ConfigMap gets a hash suffix or a Service a prefix, these fields follow.
///
/// The table is kustomize v5.5's (api/internal/konfig/builtinpluginconsts/namereference.go),
/// entry by entry: a place kustomize does not update (a ReplicationController's ConfigMap
/// volume, `ephemeralContainers`, the deprecated `serviceAccount`) is not updated here either.
struct NameReference: Sendable {
  /// The kind being referred to, and the group and version when the table names them (nil:
  /// any). kustomize checks no sibling `kind` field: an HPA's scaleTargetRef naming a
  /// StatefulSet follows a renamed Deployment of that name, an RBAC subject of kind User one
  /// of a renamed ServiceAccount. Only `roleRef` is narrowed by its own apiGroup and kind.
  var kind: String
  var group: String?
  var version: String?
  /// The referring kind; nil for "any kind with this path".
  var referrer: String?
  /// Slash path with `[]` for lists, like a FieldSpec; `\/` is a slash inside a key (an
  /// annotation name). The value at the end is a name, a map with `name` (and `namespace`),
  /// or a list of either.
  var path: String

  init(kind: String, group: String? = nil, version: String? = nil, referrer: String?, path: String) {
    self.kind = kind
    self.group = group
    self.version = version
    self.referrer = referrer
    self.path = path
  }

  /// Whether an identity is of the referred type, as kustomize selects by GVK.
  func selects(_ gvk: GroupVersionKind) -> Bool {
    gvk.kind == kind && (group.map { $0 == gvk.group } ?? true) && (version.map { $0 == gvk.version } ?? true)
  }

  /// `path` split once: the map holding the name, and the name's key in it.
  var parentPath: [String] { Array(Self.split(path).dropLast()) }
  var leaf: String { Self.split(path).last ?? path }

  static func split(_ path: String) -> [String] {
    path.replacingOccurrences(of: "\\/", with: "\u{0}").split(separator: "/")
      .map { $0.replacingOccurrences(of: "\u{0}", with: "/") }
  }

  /// The pod spec of each workload kind, as the table spells it.
  static let podSpecOf: [String: String] = [
    "Pod": "spec", "PodTemplate": "template/spec", "Deployment": "spec/template/spec",
    "ReplicaSet": "spec/template/spec", "DaemonSet": "spec/template/spec", "StatefulSet": "spec/template/spec",
    "ReplicationController": "spec/template/spec", "Job": "spec/template/spec",
    "CronJob": "spec/jobTemplate/spec/template/spec",
  ]

  static func podSpec(_ kind: String, group: String? = nil, version: String? = "v1", in workloads: [String], _ relativePaths: [String]) -> [NameReference] {
    workloads.flatMap { workload in
      relativePaths.map { relative in
        NameReference(kind: kind, group: group, version: version, referrer: workload, path: (podSpecOf[workload] ?? "spec") + "/" + relative)
      }
    }
  }

  /// The kinds kustomize lists for ConfigMap and Secret references (no ReplicationController).
  static let configWorkloads = ["Pod", "PodTemplate", "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob"]
  /// The kinds kustomize lists for ServiceAccount, PVC and PriorityClass references (no
  /// ReplicaSet, no PodTemplate).
  static let identityWorkloads = ["Pod", "StatefulSet", "Deployment", "ReplicationController", "CronJob", "Job", "DaemonSet"]

  static let table: [NameReference] = {
    var refs: [NameReference] = []
    for kind in ["Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"] {
      // kustomize names neither group nor version here, and reads no scaleTargetRef.kind.
      refs.append(NameReference(kind: kind, referrer: "HorizontalPodAutoscaler", path: "spec/scaleTargetRef/name"))
    }
    refs += podSpec(
      "ConfigMap", in: configWorkloads,
      [
        "volumes[]/configMap/name", "containers[]/env[]/valueFrom/configMapKeyRef/name",
        "initContainers[]/env[]/valueFrom/configMapKeyRef/name", "containers[]/envFrom[]/configMapRef/name",
        "initContainers[]/envFrom[]/configMapRef/name", "volumes[]/projected/sources[]/configMap/name",
      ])
    refs += [
      NameReference(kind: "ConfigMap", version: "v1", referrer: "Node", path: "spec/configSource/configMap"),
      NameReference(kind: "ConfigMap", version: "v1", referrer: "Role", path: "rules[]/resourceNames"),
      NameReference(kind: "ConfigMap", version: "v1", referrer: "ClusterRole", path: "rules[]/resourceNames"),
      NameReference(
        kind: "ConfigMap", version: "v1", referrer: "Ingress",
        path: "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap"),
    ]
    refs += podSpec(
      "Secret", in: configWorkloads,
      [
        "volumes[]/secret/secretName", "containers[]/env[]/valueFrom/secretKeyRef/name",
        "initContainers[]/env[]/valueFrom/secretKeyRef/name", "containers[]/envFrom[]/secretRef/name",
        "initContainers[]/envFrom[]/secretRef/name", "imagePullSecrets[]/name",
        "volumes[]/projected/sources[]/secret/name",
      ])
    refs += [
      NameReference(kind: "Secret", version: "v1", referrer: "Ingress", path: "spec/tls[]/secretName"),
      NameReference(kind: "Secret", version: "v1", referrer: "Ingress", path: "metadata/annotations/ingress.kubernetes.io\\/auth-secret"),
      NameReference(
        kind: "Secret", version: "v1", referrer: "Ingress", path: "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret"),
      NameReference(
        kind: "Secret", version: "v1", referrer: "Ingress", path: "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret"),
      NameReference(kind: "Secret", version: "v1", referrer: "ServiceAccount", path: "imagePullSecrets[]/name"),
      NameReference(kind: "Secret", version: "v1", referrer: "StorageClass", path: "parameters/secretName"),
      NameReference(kind: "Secret", version: "v1", referrer: "StorageClass", path: "parameters/adminSecretName"),
      NameReference(kind: "Secret", version: "v1", referrer: "StorageClass", path: "parameters/userSecretName"),
      NameReference(kind: "Secret", version: "v1", referrer: "StorageClass", path: "parameters/secretRef"),
      NameReference(kind: "Secret", version: "v1", referrer: "Role", path: "rules[]/resourceNames"),
      NameReference(kind: "Secret", version: "v1", referrer: "ClusterRole", path: "rules[]/resourceNames"),
      NameReference(
        kind: "Secret", version: "v1", referrer: "Service", path: "spec/template/spec/containers[]/env[]/valueFrom/secretKeyRef/name"),
      NameReference(kind: "Secret", version: "v1", referrer: "PersistentVolume", path: "spec/azureFile/secretName"),
    ]
    refs += [
      NameReference(kind: "Service", version: "v1", referrer: "StatefulSet", path: "spec/serviceName"),
      NameReference(kind: "Service", version: "v1", referrer: "Ingress", path: "spec/rules[]/http/paths[]/backend/serviceName"),
      NameReference(kind: "Service", version: "v1", referrer: "Ingress", path: "spec/backend/serviceName"),
      NameReference(kind: "Service", version: "v1", referrer: "Ingress", path: "spec/rules[]/http/paths[]/backend/service/name"),
      NameReference(kind: "Service", version: "v1", referrer: "Ingress", path: "spec/defaultBackend/service/name"),
      NameReference(kind: "Service", version: "v1", referrer: "APIService", path: "spec/service/name"),
      NameReference(kind: "Service", version: "v1", referrer: "ValidatingWebhookConfiguration", path: "webhooks[]/clientConfig/service"),
      NameReference(kind: "Service", version: "v1", referrer: "MutatingWebhookConfiguration", path: "webhooks[]/clientConfig/service"),
      NameReference(kind: "Role", group: "rbac.authorization.k8s.io", referrer: "RoleBinding", path: "roleRef/name"),
    ]
    for binding in ["RoleBinding", "ClusterRoleBinding"] {
      refs.append(NameReference(kind: "ClusterRole", group: "rbac.authorization.k8s.io", referrer: binding, path: "roleRef/name"))
    }
    for binding in ["RoleBinding", "ClusterRoleBinding"] {
      // Each subject is a map with `name` and `namespace`, whatever its kind.
      refs.append(NameReference(kind: "ServiceAccount", version: "v1", referrer: binding, path: "subjects"))
    }
    refs += podSpec("ServiceAccount", in: identityWorkloads, ["serviceAccountName"])
    refs += podSpec("PersistentVolumeClaim", in: identityWorkloads, ["volumes[]/persistentVolumeClaim/claimName"])
    refs += [
      NameReference(kind: "PersistentVolume", version: "v1", referrer: "PersistentVolumeClaim", path: "spec/volumeName"),
      NameReference(kind: "PersistentVolume", version: "v1", referrer: "ClusterRole", path: "rules[]/resourceNames"),
      NameReference(kind: "StorageClass", group: "storage.k8s.io", version: "v1", referrer: "PersistentVolume", path: "spec/storageClassName"),
      NameReference(kind: "StorageClass", group: "storage.k8s.io", version: "v1", referrer: "PersistentVolumeClaim", path: "spec/storageClassName"),
      NameReference(
        kind: "StorageClass", group: "storage.k8s.io", version: "v1", referrer: "StatefulSet",
        path: "spec/volumeClaimTemplates[]/spec/storageClassName"),
    ]
    refs += podSpec("PriorityClass", group: "scheduling.k8s.io", version: "v1", in: identityWorkloads, ["priorityClassName"])
    refs += [
      // kustomize v5.5 spells this entry's group "networking.k8s.io/v1", which no object has:
      // an Ingress keeps its ingressClassName when the IngressClass is renamed.
      NameReference(
        kind: "IngressClass", group: "networking.k8s.io/v1", version: "v1", referrer: "Ingress", path: "spec/ingressClassName"),
      NameReference(
        kind: "ValidatingAdmissionPolicy", group: "admissionregistration.k8s.io",
        referrer: "ValidatingAdmissionPolicyBinding", path: "spec/policyName"),
    ]
    return refs
  }()
}
