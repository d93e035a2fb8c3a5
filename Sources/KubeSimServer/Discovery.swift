import Kube
import Manifest

/// The legacy discovery documents (`/api`, `/apis`, `/api/v1`, `/apis/GROUP/VERSION`),
/// and `/version`, built from `KubeAPI.discovery()`. The OpenAPI documents are in OpenAPI/.
/// Aggregated discovery, for clients that ask for it, is in Discovery+Aggregated.swift.
struct Discovery: Sendable {
  let resources: [APIResourceInfo]

  static let version: Value = [
    "major": "1", "minor": "32", "gitVersion": "v1.32.0-kubesim", "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23.0", "compiler": "gc",
    "platform": "linux/amd64",
  ]

  /// Kinds `kubectl get all` shows.
  static let allCategory: Set<String> = ["pods", "services", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs", "horizontalpodautoscalers"]

  func coreVersions(serverAddress: String) -> Value {
    ["kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]]]
  }

  /// Group names in discovery order, each with its versions.
  var groups: [(name: String, versions: [String])] {
    var result: [(name: String, versions: [String])] = []
    for info in resources where !info.group.isEmpty {
      if let index = result.firstIndex(where: { $0.name == info.group }) {
        if !result[index].versions.contains(info.version) { result[index].versions.append(info.version) }
      } else {
        result.append((info.group, [info.version]))
      }
    }
    return result
  }

  var groupList: Value {
    let items: [Value] = groups.map { group in
      let versions: [Value] = group.versions.map { ["groupVersion": .string("\(group.name)/\($0)"), "version": .string($0)] }
      return ["name": .string(group.name), "versions": .array(versions), "preferredVersion": versions[0]]
    }
    return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(items)]
  }

  func group(_ name: String) -> Value? {
    guard let group = groups.first(where: { $0.name == name }) else { return nil }
    let versions: [Value] = group.versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
    return ["kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(versions), "preferredVersion": versions[0]]
  }

  func served(group: String, version: String) -> [APIResourceInfo] {
    resources.filter { $0.group == group && $0.version == version }
  }

  func resourceList(group: String, version: String) -> Value? {
    let infos = served(group: group, version: version)
    if infos.isEmpty { return nil }
    var items: [Value] = []
    for info in infos {
      var entry: Value = [
        "name": .string(info.resource), "singularName": .string(info.kind.lowercased()), "namespaced": .bool(info.namespaced),
        "kind": .string(info.kind), "verbs": .array(info.verbs.map(Value.string)),
      ]
      if !info.shortNames.isEmpty { entry["shortNames"] = .array(info.shortNames.map(Value.string)) }
      if Self.allCategory.contains(info.resource) { entry["categories"] = ["all"] }
      items.append(entry)
      for sub in info.subresources {
        guard let subresource = Self.subresource(sub, of: info) else { continue }
        items.append(subresource)
      }
    }
    let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
    return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(items)]
  }

  /// Subresources as discovery lists them; eviction and scale name their own kinds, which is
  /// how `kubectl drain` and `kubectl scale` find the Eviction and Scale APIs.
  static func subresource(_ name: String, of info: APIResourceInfo) -> Value? {
    var entry: Value = ["name": .string("\(info.resource)/\(name)"), "singularName": "", "namespaced": .bool(info.namespaced)]
    switch name {
    case "status":
      entry["kind"] = .string(info.kind)
      entry["verbs"] = ["get", "patch", "update"]
    case "scale":
      entry["group"] = "autoscaling"
      entry["version"] = "v1"
      entry["kind"] = "Scale"
      entry["verbs"] = ["get", "patch", "update"]
    case "log":
      entry["kind"] = .string(info.kind)
      entry["verbs"] = ["get"]
    case "token":
      entry["group"] = "authentication.k8s.io"
      entry["version"] = "v1"
      entry["kind"] = "TokenRequest"
      entry["verbs"] = ["create"]
    case "eviction":
      entry["group"] = "policy"
      entry["version"] = "v1"
      entry["kind"] = "Eviction"
      entry["verbs"] = ["create"]
    default:
      return nil
    }
    return entry
  }

  func info(group: String, version: String, resource: String) -> APIResourceInfo? {
    resources.first { $0.group == group && $0.version == version && $0.resource == resource }
  }
}
