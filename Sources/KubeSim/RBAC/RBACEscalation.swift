/// Upstream's escalation check (pkg/registry/rbac/validation): a subject may write a role, or a
/// binding to one, only with every permission it grants — unless it holds `escalate` on the
/// role (or `bind` on the bound role), or is in `system:masters`. A requested rule is broken
/// down into single-verb, single-resource rules, and each must be covered by one rule the
/// writer holds.
public enum RBACEscalation {
  /// The requested permissions `owner` does not hold, compacted as upstream reports them.
  public static func missing(owner: [PolicyRule], requested: [PolicyRule]) -> [PolicyRule] {
    let uncovered = requested.flatMap(breakdown).filter { wanted in !owner.contains { covers($0, wanted) } }
    return compact(uncovered)
  }

  /// upstream's text: user, groups, then each missing permission on a line, sorted.
  public static func message(user: UserInfo, missing: [PolicyRule]) -> String {
    let groups = "[" + user.groups.map(GoQuote.quoted).joined(separator: " ") + "]"
    let lines = Set(missing.map(describe)).sorted()
    return "user \(GoQuote.quoted(user.name)) (groups=\(groups)) is attempting to grant RBAC permissions not currently held:\n"
      + lines.joined(separator: "\n")
  }

  static func breakdown(_ rule: PolicyRule) -> [PolicyRule] {
    var rules: [PolicyRule] = []
    for group in rule.apiGroups {
      for resource in rule.resources {
        for verb in rule.verbs {
          if rule.resourceNames.isEmpty {
            rules.append(PolicyRule(verbs: [verb], apiGroups: [group], resources: [resource]))
          } else {
            for name in rule.resourceNames {
              rules.append(PolicyRule(verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name]))
            }
          }
        }
      }
    }
    for url in rule.nonResourceURLs {
      for verb in rule.verbs { rules.append(PolicyRule(verbs: [verb], nonResourceURLs: [url])) }
    }
    return rules
  }

  /// upstream's ruleCovers.
  static func covers(_ owner: PolicyRule, _ wanted: PolicyRule) -> Bool {
    let verbs = owner.verbs.contains("*") || wanted.verbs.allSatisfy(owner.verbs.contains)
    let groups = owner.apiGroups.contains("*") || wanted.apiGroups.allSatisfy(owner.apiGroups.contains)
    let resources = resourcesCover(owner.resources, wanted.resources)
    let urls = wanted.nonResourceURLs.allSatisfy { path in
      owner.nonResourceURLs.contains { rule in
        rule == path || (rule.hasSuffix("*") && path.hasPrefix(String(rule.reversed().drop { $0 == "*" }.reversed())))
      }
    }
    let names =
      wanted.resourceNames.isEmpty
      ? owner.resourceNames.isEmpty : owner.resourceNames.isEmpty || wanted.resourceNames.allSatisfy(owner.resourceNames.contains)
    return verbs && groups && resources && names && urls
  }

  static func resourcesCover(_ owned: [String], _ wanted: [String]) -> Bool {
    if owned.contains("*") { return true }
    return wanted.allSatisfy { path in
      if owned.contains(path) { return true }
      guard let slash = path.firstIndex(of: "/") else { return false }
      return owned.contains("*" + path[slash...])
    }
  }

  /// upstream's CompactRules: rules of one group and resource (and at most one name) that
  /// differ only in verbs become one rule.
  static func compact(_ rules: [PolicyRule]) -> [PolicyRule] {
    var compacted: [PolicyRule] = []
    var simple: [String: Int] = [:]
    for rule in rules {
      let isSimple = rule.apiGroups.count == 1 && rule.resources.count == 1 && rule.resourceNames.count <= 1 && rule.nonResourceURLs.isEmpty
      guard isSimple else {
        compacted.append(rule)
        continue
      }
      let key = [rule.apiGroups[0], rule.resources[0], rule.resourceNames.first ?? "", rule.resourceNames.isEmpty ? "-" : "+"].joined(
        separator: "\u{0}")
      if let index = simple[key] {
        compacted[index].verbs += rule.verbs
      } else {
        simple[key] = compacted.count
        compacted.append(rule)
      }
    }
    return compacted
  }

  /// rbacv1helpers.CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}`.
  static func describe(_ rule: PolicyRule) -> String {
    func list(_ items: [String]) -> String { "[" + items.map(GoQuote.quoted).joined(separator: " ") + "]" }
    var parts: [String] = []
    if !rule.apiGroups.isEmpty { parts.append("APIGroups:\(list(rule.apiGroups))") }
    if !rule.resources.isEmpty { parts.append("Resources:\(list(rule.resources))") }
    if !rule.nonResourceURLs.isEmpty { parts.append("NonResourceURLs:\(list(rule.nonResourceURLs))") }
    if !rule.resourceNames.isEmpty { parts.append("ResourceNames:\(list(rule.resourceNames))") }
    if !rule.verbs.isEmpty { parts.append("Verbs:\(list(rule.verbs))") }
    return "{" + parts.joined(separator: ", ") + "}"
  }
}
