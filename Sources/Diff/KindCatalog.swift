internal import Kube
internal import Manifest

/// Which kinds the server serves and how they are scoped, plus the kinds the environment's
/// own CustomResourceDefinitions will add.
struct KindCatalog: Sendable {
  enum Scope: Equatable {
    case namespaced, cluster
    /// Defined by a CRD in the environment, not served yet.
    case definedHere(namespaced: Bool)
    case unknown
  }

  private var served: [GroupVersionKind: Bool] = [:]
  private var defined: [GroupVersionKind: Bool] = [:]

  init(served resources: [APIResourceInfo], rendered: [Value]) {
    for resource in resources { served[resource.gvk] = resource.namespaced }
    for crd in rendered where crd.kind == "CustomResourceDefinition" {
      guard let group = crd[path: ["spec", "group"]]?.stringValue, let kind = crd[path: ["spec", "names", "kind"]]?.stringValue else { continue }
      let namespaced = crd[path: ["spec", "scope"]]?.stringValue != "Cluster"
      for version in crd[path: ["spec", "versions"]]?.arrayValue ?? [] {
        if let name = version["name"]?.stringValue { defined[GroupVersionKind(group: group, version: name, kind: kind)] = namespaced }
      }
    }
  }

  func isServed(_ gvk: GroupVersionKind) -> Bool { served[gvk] != nil }

  func scope(of gvk: GroupVersionKind) -> Scope {
    if let namespaced = served[gvk] { return namespaced ? .namespaced : .cluster }
    if let namespaced = defined[gvk] { return .definedHere(namespaced: namespaced) }
    return .unknown
  }
}
