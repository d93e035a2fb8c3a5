/// Facts about built-in Kubernetes kinds the transformers need.
enum BuiltinKinds {
  /// Cluster-scoped kinds: the namespace transformer leaves them alone. Anything else, custom
  /// resources included, is treated as namespaced, as kustomize does without a schema.
  static let clusterScoped: Set<String> = [
    "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
    "CustomResourceDefinition", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "APIService", "CSIDriver", "CSINode", "VolumeAttachment", "RuntimeClass", "PodSecurityPolicy",
    "CertificateSigningRequest", "ComponentStatus", "FlowSchema", "PriorityLevelConfiguration",
    "StorageVersion", "TokenReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview",
    "SubjectAccessReview", "ClusterTrustBundle", "IPAddress", "ServiceCIDR", "DeviceClass",
  ]

  static func isClusterScoped(_ kind: String?) -> Bool { kind.map(clusterScoped.contains) ?? false }
}
