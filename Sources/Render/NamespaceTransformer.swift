import Manifest

/// `namespace:` sets metadata.namespace on every namespaced object. As kustomize does, the
/// ServiceAccount subjects named `default` of (Cluster)RoleBindings follow the new namespace;
/// subjects naming a ServiceAccount of the build are updated by the name-reference pass.
public struct NamespaceTransformer: Sendable {
  public var namespace: String

  public init(namespace: String) { self.namespace = namespace }

  public func apply(to resources: inout [Resource]) {
    for index in resources.indices {
      let kind = resources[index].object.kind
      if kind == "RoleBinding" || kind == "ClusterRoleBinding" {
        updateDefaultSubjects(&resources[index].object)
      }
      guard !BuiltinKinds.isClusterScoped(kind) else { continue }
      if resources[index].object.namespace == namespace { continue }
      resources[index].rememberCurrentID()
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
