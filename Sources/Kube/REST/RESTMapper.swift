import Manifest

/// Maps kinds to REST resources from the server's discovery documents, fetched lazily per
/// group version and cached for the client's lifetime. A kind missing from a cached group
/// version triggers one refetch, so a CRD installed after the first lookup is still found.
actor RESTMapper {
  typealias Fetch = @Sendable (String) async throws(KubeError) -> Value
  private let fetch: Fetch
  private var byGroupVersion: [String: [APIResourceInfo]] = [:]

  init(fetch: @escaping Fetch) { self.fetch = fetch }

  func info(for gvk: GroupVersionKind) async throws(KubeError) -> APIResourceInfo {
    let key = gvk.apiVersion
    if let cached = byGroupVersion[key], let hit = cached.first(where: { $0.kind == gvk.kind }) { return hit }
    let fresh = try await resources(group: gvk.group, version: gvk.version, refresh: true)
    guard let hit = fresh.first(where: { $0.kind == gvk.kind }) else { throw Self.noMatch(gvk) }
    return hit
  }

  /// Every resource of every served group version (/api, /apis, then each version's list).
  func all() async throws(KubeError) -> [APIResourceInfo] {
    var versions: [(String, String)] = []
    let core = try await fetch("/api")
    for version in core["versions"]?.arrayValue ?? [] {
      if let v = version.stringValue { versions.append(("", v)) }
    }
    let groups = try await fetch("/apis")
    for group in groups["groups"]?.arrayValue ?? [] {
      guard let name = group["name"]?.stringValue else { continue }
      for version in group["versions"]?.arrayValue ?? [] {
        if let v = version["version"]?.stringValue { versions.append((name, v)) }
      }
    }
    var result: [APIResourceInfo] = []
    for (group, version) in versions {
      result += try await resources(
        group: group, version: version, refresh: byGroupVersion[Self.key(group, version)] == nil)
    }
    return result
  }

  private func resources(group: String, version: String, refresh: Bool) async throws(KubeError) -> [APIResourceInfo] {
    let key = Self.key(group, version)
    if !refresh, let cached = byGroupVersion[key] { return cached }
    let list: Value
    do {
      list = try await fetch(RESTPath.groupVersion(group: group, version: version))
    } catch let error where error.isNotFound {
      throw Self.noMatch(GroupVersionKind(group: group, version: version, kind: ""))
    }
    let parsed = Self.parse(list, group: group, version: version)
    byGroupVersion[key] = parsed
    return parsed
  }

  static func key(_ group: String, _ version: String) -> String { group.isEmpty ? version : "\(group)/\(version)" }

  /// An APIResourceList: "pods/status" style entries become subresources of their parent.
  static func parse(_ list: Value, group: String, version: String) -> [APIResourceInfo] {
    let entries = list["resources"]?.arrayValue ?? []
    var infos: [APIResourceInfo] = []
    var subresources: [String: [String]] = [:]
    for entry in entries {
      guard let name = entry["name"]?.stringValue else { continue }
      if let slash = name.firstIndex(of: "/") {
        subresources[String(name[..<slash]), default: []].append(String(name[name.index(after: slash)...]))
        continue
      }
      infos.append(
        APIResourceInfo(
          group: group, version: version, kind: entry["kind"]?.stringValue ?? "", resource: name,
          namespaced: entry["namespaced"]?.boolValue ?? false,
          verbs: (entry["verbs"]?.arrayValue ?? []).compactMap(\.stringValue),
          shortNames: (entry["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue)))
    }
    for index in infos.indices { infos[index].subresources = subresources[infos[index].resource] ?? [] }
    return infos
  }

  static func noMatch(_ gvk: GroupVersionKind) -> KubeError {
    let what =
      gvk.kind.isEmpty
      ? "the server doesn't have a resource type in version \"\(gvk.apiVersion)\""
      : "no matches for kind \"\(gvk.kind)\" in version \"\(gvk.apiVersion)\""
    return .status(Status(code: 404, reason: .notFound, message: what))
  }
}
