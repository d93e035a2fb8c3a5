/// Where objects refer to each other by name (kustomize's nameReference configuration): when
/// a ConfigMap gets a hash suffix or a Service a prefix, these fields follow.
///
/// The table is kustomize v5.5's (api/internal/konfig/builtinpluginconsts/namereference.go),
/// entry by entry: a place kustomize does not update (a ReplicationController's ConfigMap
/// volume, `ephemeralContainers`, the deprecated `serviceAccount`) is not updated here either.
struct NameReference: Sendable {
  /// The kind (and group) being referred to.
  var kind: String
  var group: String
  /// The referring kind; nil for "any kind with this path".
  var referrer: String?
  /// Slash path with `[]` for lists, like a FieldSpec; `\/` is a slash inside a key (an
  /// annotation name). The value at the end is a name, a map with `name` (and `namespace`),
  /// or a list of either.
  var path: String
  /// A sibling field that must name `kind` (e.g. roleRef.kind, scaleTargetRef.kind).
  var kindField: String?
  /// A sibling namespace field to set to the referred object's namespace (RBAC subjects).
  var namespaceField: String?

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

  static func podSpec(_ kind: String, group: String = "", in workloads: [String], _ relativePaths: [String]) -> [NameReference] {
    workloads.flatMap { workload in
      relativePaths.map { relative in
        NameReference(kind: kind, group: group, referrer: workload, path: (podSpecOf[workload] ?? "spec") + "/" + relative)
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
      // kustomize names no group for these targets: the HPA's scaleTargetRef.kind decides.
      refs.append(
        NameReference(
          kind: kind, group: kind == "ReplicationController" ? "" : "apps", referrer: "HorizontalPodAutoscaler",
          path: "spec/scaleTargetRef/name", kindField: "kind"))
    }
    refs += podSpec(
      "ConfigMap", in: configWorkloads,
      [
        "volumes[]/configMap/name", "containers[]/env[]/valueFrom/configMapKeyRef/name",
        "initContainers[]/env[]/valueFrom/configMapKeyRef/name", "containers[]/envFrom[]/configMapRef/name",
        "initContainers[]/envFrom[]/configMapRef/name", "volumes[]/projected/sources[]/configMap/name",
      ])
    refs += [
      NameReference(kind: "ConfigMap", group: "", referrer: "Node", path: "spec/configSource/configMap"),
      NameReference(kind: "ConfigMap", group: "", referrer: "Role", path: "rules[]/resourceNames"),
      NameReference(kind: "ConfigMap", group: "", referrer: "ClusterRole", path: "rules[]/resourceNames"),
      NameReference(
        kind: "ConfigMap", group: "", referrer: "Ingress",
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
      NameReference(kind: "Secret", group: "", referrer: "Ingress", path: "spec/tls[]/secretName"),
      NameReference(kind: "Secret", group: "", referrer: "Ingress", path: "metadata/annotations/ingress.kubernetes.io\\/auth-secret"),
      NameReference(
        kind: "Secret", group: "", referrer: "Ingress", path: "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret"),
      NameReference(
        kind: "Secret", group: "", referrer: "Ingress", path: "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret"),
      NameReference(kind: "Secret", group: "", referrer: "ServiceAccount", path: "imagePullSecrets[]/name"),
      NameReference(kind: "Secret", group: "", referrer: "StorageClass", path: "parameters/secretName"),
      NameReference(kind: "Secret", group: "", referrer: "StorageClass", path: "parameters/adminSecretName"),
      NameReference(kind: "Secret", group: "", referrer: "StorageClass", path: "parameters/userSecretName"),
      NameReference(kind: "Secret", group: "", referrer: "StorageClass", path: "parameters/secretRef"),
      NameReference(kind: "Secret", group: "", referrer: "Role", path: "rules[]/resourceNames"),
      NameReference(kind: "Secret", group: "", referrer: "ClusterRole", path: "rules[]/resourceNames"),
      NameReference(
        kind: "Secret", group: "", referrer: "Service", path: "spec/template/spec/containers[]/env[]/valueFrom/secretKeyRef/name"),
      NameReference(kind: "Secret", group: "", referrer: "PersistentVolume", path: "spec/azureFile/secretName"),
    ]
    refs += [
      NameReference(kind: "Service", group: "", referrer: "StatefulSet", path: "spec/serviceName"),
      NameReference(kind: "Service", group: "", referrer: "Ingress", path: "spec/rules[]/http/paths[]/backend/serviceName"),
      NameReference(kind: "Service", group: "", referrer: "Ingress", path: "spec/backend/serviceName"),
      NameReference(kind: "Service", group: "", referrer: "Ingress", path: "spec/rules[]/http/paths[]/backend/service/name"),
      NameReference(kind: "Service", group: "", referrer: "Ingress", path: "spec/defaultBackend/service/name"),
      NameReference(kind: "Service", group: "", referrer: "APIService", path: "spec/service/name"),
      NameReference(kind: "Service", group: "", referrer: "ValidatingWebhookConfiguration", path: "webhooks[]/clientConfig/service"),
      NameReference(kind: "Service", group: "", referrer: "MutatingWebhookConfiguration", path: "webhooks[]/clientConfig/service"),
      NameReference(
        kind: "Role", group: "rbac.authorization.k8s.io", referrer: "RoleBinding", path: "roleRef/name", kindField: "kind"),
    ]
    for binding in ["RoleBinding", "ClusterRoleBinding"] {
      refs.append(
        NameReference(
          kind: "ClusterRole", group: "rbac.authorization.k8s.io", referrer: binding, path: "roleRef/name", kindField: "kind"))
    }
    for binding in ["RoleBinding", "ClusterRoleBinding"] {
      refs.append(
        NameReference(
          kind: "ServiceAccount", group: "", referrer: binding, path: "subjects[]/name", kindField: "kind",
          namespaceField: "namespace"))
    }
    refs += podSpec("ServiceAccount", in: identityWorkloads, ["serviceAccountName"])
    refs += podSpec("PersistentVolumeClaim", in: identityWorkloads, ["volumes[]/persistentVolumeClaim/claimName"])
    refs += [
      NameReference(kind: "PersistentVolume", group: "", referrer: "PersistentVolumeClaim", path: "spec/volumeName"),
      NameReference(kind: "PersistentVolume", group: "", referrer: "ClusterRole", path: "rules[]/resourceNames"),
      NameReference(kind: "StorageClass", group: "storage.k8s.io", referrer: "PersistentVolume", path: "spec/storageClassName"),
      NameReference(kind: "StorageClass", group: "storage.k8s.io", referrer: "PersistentVolumeClaim", path: "spec/storageClassName"),
      NameReference(
        kind: "StorageClass", group: "storage.k8s.io", referrer: "StatefulSet",
        path: "spec/volumeClaimTemplates[]/spec/storageClassName"),
    ]
    refs += podSpec("PriorityClass", group: "scheduling.k8s.io", in: identityWorkloads, ["priorityClassName"])
    refs += [
      NameReference(kind: "IngressClass", group: "networking.k8s.io", referrer: "Ingress", path: "spec/ingressClassName"),
      NameReference(
        kind: "ValidatingAdmissionPolicy", group: "admissionregistration.k8s.io",
        referrer: "ValidatingAdmissionPolicyBinding", path: "spec/policyName"),
    ]
    return refs
  }()
}
