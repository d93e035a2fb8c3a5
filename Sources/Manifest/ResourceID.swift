/// Identity of one object: its type, namespace (nil for cluster-scoped or unset) and name.
public struct ResourceID: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var gvk: GroupVersionKind
  public var namespace: String?
  public var name: String

  public init(gvk: GroupVersionKind, namespace: String?, name: String) {
    self.gvk = gvk
    self.namespace = namespace
    self.name = name
  }

  /// `Deployment.apps/web` or `Deployment.apps/web.staging`: the form kubectl and kustomize print.
  public var description: String {
    let group = gvk.group.isEmpty ? "" : ".\(gvk.group)"
    let ns = namespace.map { " in namespace \($0)" } ?? ""
    return "\(gvk.kind)\(group)/\(name)\(ns)"
  }

  public static func < (a: Self, b: Self) -> Bool {
    (a.gvk, a.namespace ?? "", a.name) < (b.gvk, b.namespace ?? "", b.name)
  }
}
