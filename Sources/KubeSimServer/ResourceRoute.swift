import Kube
import Manifest

/// A resource path split into its parts:
/// `/apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]` (core types under `/api/v1`).
struct ResourceRoute: Sendable {
  var info: APIResourceInfo
  var namespace: String?
  var name: String?
  var subresource: String?

  var gvk: GroupVersionKind { info.gvk }

  var id: ResourceID? {
    name.map { ResourceID(gvk: info.gvk, namespace: info.namespaced ? namespace : nil, name: $0) }
  }

  /// nil when `rest` (the segments after the group version) names no served resource.
  init?(group: String, version: String, rest: [String], discovery: Discovery) {
    if rest.count >= 3, rest[0] == "namespaces", let info = discovery.info(group: group, version: version, resource: rest[2]),
      info.namespaced
    {
      guard rest.count <= 5 else { return nil }
      self.info = info
      namespace = rest[1]
      name = rest.count > 3 ? rest[3] : nil
      subresource = rest.count > 4 ? rest[4] : nil
      return
    }
    guard let first = rest.first, let info = discovery.info(group: group, version: version, resource: first), rest.count <= 3 else {
      return nil
    }
    self.info = info
    namespace = nil
    name = rest.count > 1 ? rest[1] : nil
    subresource = rest.count > 2 ? rest[2] : nil
  }

  /// `deployments.apps`, as messages name a resource.
  var qualifiedResource: String { info.group.isEmpty ? info.resource : "\(info.resource).\(info.group)" }
}
