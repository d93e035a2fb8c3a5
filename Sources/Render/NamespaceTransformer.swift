import Manifest

/// `namespace:` sets metadata.namespace on every namespaced object. As kustomize does, the
/// ServiceAccount subjects named `default` of (Cluster)RoleBindings follow the new namespace;
/// subjects naming a ServiceAccount of the build are updated by the name-reference pass.
public struct NamespaceTransformer: Sendable {
  public var namespace: String

  public init(namespace: String) { self.namespace = namespace }

  /// kustomize's `namespace` field specs (builtinpluginconsts/namespace.go, v5.5), besides
  /// metadata.namespace: a v1 Namespace object takes the namespace as its name, and the
  /// services an APIService (created if missing) or a CRD's conversion webhook (only when
  /// set) call move with it.
  static let apiServicePath = ["spec", "service", "namespace"]
  static let conversionServicePath = ["spec", "conversion", "webhook", "clientConfig", "service", "namespace"]

  public func apply(to resources: inout [Resource]) {
    guard !namespace.isEmpty else { return }
    for index in resources.indices {
      // kustomize remembers every object's identity here, changed or not, cluster-scoped or
      // not: each becomes a candidate of the name-reference pass, so a subject naming a
      // ServiceAccount already in this namespace still gets the namespace written out.
      resources[index].rememberCurrentID()
      let kind = resources[index].object.kind
      if kind == "RoleBinding" || kind == "ClusterRoleBinding" {
        updateDefaultSubjects(&resources[index].object)
      }
      if kind == "Namespace", resources[index].object["apiVersion"]?.stringValue == "v1" {
        resources[index].object[path: ["metadata", "name"]] = .string(namespace)
      }
      let group = resources[index].object.objectGVK?.group
      if kind == "APIService", group == "apiregistration.k8s.io" {
        resources[index].object[path: Self.apiServicePath] = .string(namespace)
      }
      if kind == "CustomResourceDefinition", group == "apiextensions.k8s.io",
        resources[index].object[path: Self.conversionServicePath].map({ !$0.isNull }) == true
      {
        resources[index].object[path: Self.conversionServicePath] = .string(namespace)
      }
      guard !BuiltinKinds.isClusterScoped(kind) else { continue }
      if resources[index].object.objectNamespace == namespace { continue }
      resources[index].object.namespace = namespace
    }
  }

  private func updateDefaultSubjects(_ object: inout Value) {
    guard case .array(var subjects)? = object["subjects"] else { return }
    for i in subjects.indices
    where subjects[i]["kind"]?.stringValue == "ServiceAccount" && subjects[i]["name"]?.stringValue == "default" {
      subjects[i]["namespace"] = .string(namespace)
    }
    object["subjects"] = .array(subjects)
  }
}
