import Foundation
import KubeSim

/// What a request asks to do, in the authorizer's terms, derived from its method, path and
/// query exactly as kube-apiserver's RequestInfoFactory derives them: `/api/v1/...` and
/// `/apis/GROUP/VERSION/...` with a resource are resource requests (GET is get, list, or watch
/// with `?watch=true`; DELETE without a name is deletecollection; a list or watch whose field
/// selector pins `metadata.name` is about that name); everything else (`/version`, discovery,
/// `/openapi`) is a non-resource request whose verb is the lowercased method.
enum RequestAttributes {
  static let namespaceSubresources: Set<String> = ["status", "finalize"]
  static let specialVerbs: Set<String> = ["proxy", "watch"]

  static func of(_ request: APIRequest, user: UserInfo) -> AuthorizationAttributes {
    let nonResource = AuthorizationAttributes(user: user, verb: request.method.lowercased(), path: request.path)
    var parts = request.path.split(separator: "/").map(String.init)
    guard parts.count >= 3, let prefix = parts.first, prefix == "api" || prefix == "apis" else { return nonResource }
    parts.removeFirst()
    var group = ""
    if prefix == "apis" {
      guard parts.count >= 3 else { return nonResource }
      group = parts.removeFirst()
    }
    let version = parts.removeFirst()
    var verb: String
    if let first = parts.first, specialVerbs.contains(first) {
      guard parts.count >= 2 else { return nonResource }
      verb = first
      parts.removeFirst()
    } else {
      switch request.method {
      case "POST": verb = "create"
      case "GET", "HEAD": verb = "get"
      case "PUT": verb = "update"
      case "PATCH": verb = "patch"
      case "DELETE": verb = "delete"
      default: verb = ""
      }
    }
    var namespace = ""
    if parts.first == "namespaces", parts.count > 1 {
      namespace = parts[1]
      // `/namespaces/NAME/status` is the namespace's own subresource; anything else after the
      // name is a resource inside it.
      if parts.count > 2, !namespaceSubresources.contains(parts[2]) { parts.removeFirst(2) }
    }
    let resource = parts.first ?? ""
    var name = parts.count >= 2 ? parts[1] : ""
    let subresource = parts.count >= 3 && verb != "proxy" ? parts[2] : ""
    if name.isEmpty, verb == "get" {
      verb = request.flag("watch") ? "watch" : "list"
      if let pinned = pinnedName(request.query["fieldSelector"]) { name = pinned }
    }
    if name.isEmpty, verb == "delete" { verb = "deletecollection" }
    return AuthorizationAttributes(
      user: user, verb: verb, namespace: namespace, apiGroup: group, apiVersion: version, resource: resource, subresource: subresource,
      name: name)
  }

  /// The name a field selector requires exactly (`metadata.name=NAME` or `==`), when it is a
  /// valid path segment: `kubectl get pod NAME --watch` lists and watches one object.
  static func pinnedName(_ selector: String?) -> String? {
    guard let selector, !selector.isEmpty else { return nil }
    var pinned: String?
    for requirement in selector.split(separator: ",") {
      let text = String(requirement)
      let pair: [Substring]
      if text.contains("!=") { continue }
      if text.contains("==") {
        pair = text.split(separator: "=", omittingEmptySubsequences: true)
      } else {
        pair = text.split(separator: "=", maxSplits: 1)
      }
      guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == "metadata.name" else { continue }
      pinned = pair[1].trimmingCharacters(in: .whitespaces)
    }
    guard let pinned, !pinned.isEmpty, pinned != ".", pinned != "..", !pinned.contains("/"), !pinned.contains("%") else { return nil }
    return pinned
  }
}
