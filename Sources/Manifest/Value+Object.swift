public import OrderedCollections

/// Accessors for the fields every Kubernetes object shares.
extension Value {
  public var apiVersion: String? { self["apiVersion"]?.stringValue }
  public var kind: String? { self["kind"]?.stringValue }
  public var name: String? {
    get { self[path: ["metadata", "name"]]?.stringValue }
    set { self[path: ["metadata", "name"]] = newValue.map(Value.string) }
  }
  public var namespace: String? {
    get { self[path: ["metadata", "namespace"]]?.stringValue }
    set { self[path: ["metadata", "namespace"]] = newValue.map(Value.string) }
  }
  public var labels: OrderedDictionary<String, Value> {
    self[path: ["metadata", "labels"]]?.objectValue ?? [:]
  }
  public var annotations: OrderedDictionary<String, Value> {
    self[path: ["metadata", "annotations"]]?.objectValue ?? [:]
  }
  public var gvk: GroupVersionKind? {
    guard let apiVersion, let kind else { return nil }
    return GroupVersionKind(apiVersion: apiVersion, kind: kind)
  }
  /// nil when the object lacks apiVersion, kind or metadata.name.
  public var resourceID: ResourceID? {
    guard let gvk, let name else { return nil }
    return ResourceID(gvk: gvk, namespace: namespace, name: name)
  }
}
