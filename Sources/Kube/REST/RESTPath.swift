import Foundation

/// URL paths and query strings of the Kubernetes REST API, a pure function of the resource
/// mapping: `/api/v1/namespaces/ns/pods/name/status`, `/apis/apps/v1/deployments`.
enum RESTPath {
  static func groupVersion(group: String, version: String) -> String {
    group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
  }

  static func resource(_ info: APIResourceInfo, namespace: String?, name: String? = nil, subresource: String? = nil)
    -> String
  {
    var path = groupVersion(group: info.group, version: info.version)
    if info.namespaced, let namespace { path += "/namespaces/\(segment(namespace))" }
    path += "/\(info.resource)"
    if let name { path += "/\(segment(name))" }
    if let subresource { path += "/\(subresource)" }
    return path
  }

  static func segment(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? text
  }

  /// `?a=b&c=d`, values percent-encoded so selectors like `tier in (a,b)` survive.
  static func query(_ items: [(String, String)]) -> String {
    guard !items.isEmpty else { return "" }
    return "?"
      + items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? $0.1)" }
      .joined(separator: "&")
  }

  private static let segmentAllowed: CharacterSet = {
    var set = CharacterSet.alphanumerics
    set.insert(charactersIn: "-._~:@")
    return set
  }()

  private static let queryAllowed: CharacterSet = {
    var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    set.insert(charactersIn: "-._~")
    return set
  }()

  static func listQuery(_ options: ListOptions, watch: Bool) -> [(String, String)] {
    var items: [(String, String)] = []
    if watch { items.append(("watch", "true")) }
    if let v = options.labelSelector, !v.isEmpty { items.append(("labelSelector", v)) }
    if let v = options.fieldSelector, !v.isEmpty { items.append(("fieldSelector", v)) }
    if !watch, let v = options.limit { items.append(("limit", String(v))) }
    if !watch, let v = options.continueToken, !v.isEmpty { items.append(("continue", v)) }
    if let v = options.resourceVersion { items.append(("resourceVersion", v)) }
    if watch && options.allowWatchBookmarks { items.append(("allowWatchBookmarks", "true")) }
    if let v = options.timeoutSeconds { items.append(("timeoutSeconds", String(v))) }
    return items
  }

  static func writeQuery(fieldManager: String?, dryRun: Bool, force: Bool? = nil) -> [(String, String)] {
    var items: [(String, String)] = []
    if dryRun { items.append(("dryRun", "All")) }
    if let fieldManager, !fieldManager.isEmpty { items.append(("fieldManager", fieldManager)) }
    if let force { items.append(("force", force ? "true" : "false")) }
    return items
  }
}
