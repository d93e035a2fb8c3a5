public import Manifest

/// One rule of a Role or ClusterRole, matched as upstream's RBAC does
/// (pkg/apis/rbac/v1/evaluation_helpers.go): `*` for any verb, group or resource,
/// `*/SUB` for a subresource of any resource, `pods/log` for exactly that subresource, no
/// resourceNames for any name, and a trailing `*` in a non-resource URL for a prefix.
public struct PolicyRule: Sendable, Hashable {
  public var verbs: [String]
  public var apiGroups: [String]
  public var resources: [String]
  public var resourceNames: [String]
  public var nonResourceURLs: [String]

  public init(
    verbs: [String], apiGroups: [String] = [], resources: [String] = [], resourceNames: [String] = [], nonResourceURLs: [String] = []
  ) {
    self.verbs = verbs
    self.apiGroups = apiGroups
    self.resources = resources
    self.resourceNames = resourceNames
    self.nonResourceURLs = nonResourceURLs
  }

  /// A rule as stored in a role's `rules` list; fields that are not lists of strings count as empty.
  public init(_ value: Value) {
    func strings(_ key: String) -> [String] { (value[key]?.arrayValue ?? []).compactMap(\.stringValue) }
    self.init(
      verbs: strings("verbs"), apiGroups: strings("apiGroups"), resources: strings("resources"), resourceNames: strings("resourceNames"),
      nonResourceURLs: strings("nonResourceURLs"))
  }

  /// The rule as a role stores it (empty lists left out, as the API server writes it).
  public var value: Value {
    var rule: Value = [:]
    func set(_ key: String, _ list: [String]) { if !list.isEmpty { rule[key] = .array(list.map(Value.string)) } }
    set("verbs", verbs)
    set("apiGroups", apiGroups)
    set("resources", resources)
    set("resourceNames", resourceNames)
    set("nonResourceURLs", nonResourceURLs)
    if verbs.isEmpty { rule["verbs"] = [] }
    return rule
  }

  public func allows(_ request: AuthorizationAttributes) -> Bool {
    guard matchesVerb(request.verb) else { return false }
    guard request.isResourceRequest else { return matchesNonResourceURL(request.path) }
    let combined = request.subresource.isEmpty ? request.resource : "\(request.resource)/\(request.subresource)"
    return matchesGroup(request.apiGroup) && matchesResource(combined, subresource: request.subresource) && matchesName(request.name)
  }

  func matchesVerb(_ verb: String) -> Bool { verbs.contains { $0 == "*" || $0 == verb } }

  func matchesGroup(_ group: String) -> Bool { apiGroups.contains { $0 == "*" || $0 == group } }

  func matchesResource(_ combined: String, subresource: String) -> Bool {
    resources.contains { rule in
      if rule == "*" || rule == combined { return true }
      return !subresource.isEmpty && rule == "*/" + subresource
    }
  }

  func matchesName(_ name: String) -> Bool { resourceNames.isEmpty || resourceNames.contains(name) }

  func matchesNonResourceURL(_ path: String) -> Bool {
    nonResourceURLs.contains { rule in
      if rule == "*" || rule == path { return true }
      guard rule.hasSuffix("*") else { return false }
      return path.hasPrefix(String(rule.reversed().drop { $0 == "*" }.reversed()))
    }
  }
}
