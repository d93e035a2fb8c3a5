import Kube
import Manifest

/// Aggregated discovery (`apidiscovery.k8s.io/v2`), which kubectl asks for first: every group,
/// version and resource of `/api` or `/apis` in one document, so a fresh kubectl needs two
/// requests instead of one per group version.
extension Discovery {
  static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

  /// True when the Accept header names the v2 discovery list (kubectl also accepts plain JSON
  /// after it, which is what older servers answer).
  static func wantsAggregated(accept: String) -> Bool {
    accept.split(separator: ",").contains { part in
      let parameters = Set(part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
      return parameters.isSuperset(of: ["g=apidiscovery.k8s.io", "v=v2", "as=APIGroupDiscoveryList"])
    }
  }

  /// `/api` (the core group, whose name is empty) or `/apis` (every named group).
  func aggregated(core: Bool) -> Value {
    let names = core ? [""] : groups.map(\.name)
    let items: [Value] = names.map { name in
      let versions = core ? ["v1"] : groups.first { $0.name == name }?.versions ?? []
      var item: Value = ["metadata": name.isEmpty ? [:] : ["name": .string(name)]]
      item["versions"] = .array(versions.map { version in
        [
          "version": .string(version),
          "resources": .array(served(group: name, version: version).map(Self.aggregatedResource)),
          "freshness": "Current",
        ]
      })
      return item
    }
    return ["kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": [:], "items": .array(items)]
  }

  static func aggregatedResource(_ info: APIResourceInfo) -> Value {
    var entry: Value = [
      "resource": .string(info.resource),
      "responseKind": ["group": .string(info.group), "version": .string(info.version), "kind": .string(info.kind)],
      "scope": info.namespaced ? "Namespaced" : "Cluster",
      "singularResource": .string(info.kind.lowercased()),
      "verbs": .array(info.verbs.map(Value.string)),
    ]
    if !info.shortNames.isEmpty { entry["shortNames"] = .array(info.shortNames.map(Value.string)) }
    if allCategory.contains(info.resource) { entry["categories"] = ["all"] }
    let subresources: [Value] = info.subresources.compactMap { name in
      // The legacy entry already says which kind and verbs each subresource has.
      guard let legacy = subresource(name, of: info) else { return nil }
      return [
        "subresource": .string(name),
        "responseKind": [
          "group": legacy["group"] ?? .string(info.group), "version": legacy["version"] ?? .string(info.version),
          "kind": legacy["kind"] ?? .string(info.kind),
        ],
        "verbs": legacy["verbs"] ?? [],
      ]
    }
    if !subresources.isEmpty { entry["subresources"] = .array(subresources) }
    return entry
  }
}
