import Manifest

/// Upstream's ExtendedResourceToleration admission plugin
/// (plugin/pkg/admission/extendedresourcetoleration): on pod create and update, every extended
/// resource a container or init container requests adds the toleration
/// `{key: <resource>, operator: Exists, effect: NoSchedule}` unless an identical one is there.
/// Runs after defaulting, so a limit-only GPU (requests defaulted from limits) counts.
enum ExtendedResourceToleration {
  static func admit(_ pod: inout Value) {
    var resources: Set<String> = []
    for list in ["containers", "initContainers"] {
      for container in pod[path: ["spec", list]]?.arrayValue ?? [] {
        for name in (container[path: ["resources", "requests"]]?.objectValue ?? [:]).keys where isExtendedResourceName(name) {
          resources.insert(name)
        }
      }
    }
    guard !resources.isEmpty else { return }
    var tolerations = pod[path: ["spec", "tolerations"]]?.arrayValue ?? []
    // Sorted, as upstream's sets.List(): the added tolerations come in a stable order.
    for resource in resources.sorted() {
      let toleration: Value = ["key": .string(resource), "operator": "Exists", "effect": "NoSchedule"]
      if !tolerations.contains(where: { matches($0, toleration) }) { tolerations.append(toleration) }
    }
    pod[path: ["spec", "tolerations"]] = .array(tolerations)
  }

  /// Upstream's Toleration.MatchToleration: key, operator, value and effect all equal (an
  /// unset operator is Equal and an unset value empty, as defaulting leaves them).
  static func matches(_ a: Value, _ b: Value) -> Bool {
    func text(_ v: Value, _ key: String, _ fallback: String = "") -> String { v[key]?.stringValue ?? fallback }
    return text(a, "key") == text(b, "key") && text(a, "operator", "Equal") == text(b, "operator", "Equal")
      && text(a, "value") == text(b, "value") && text(a, "effect") == text(b, "effect")
  }

  /// Upstream's helper.IsExtendedResourceName: qualified with a domain outside
  /// `kubernetes.io/`, and not a quota name (`requests.*`). `cpu`, `memory` and
  /// `hugepages-*` have no domain, so they are native.
  static func isExtendedResourceName(_ name: String) -> Bool {
    guard name.contains("/"), !name.contains("kubernetes.io/"), !name.hasPrefix("requests.") else { return false }
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[1].count <= 63 else { return false }
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    return parts[1].allSatisfy(allowed.contains) && parts[1].first?.isLetterOrDigit == true && parts[1].last?.isLetterOrDigit == true
  }
}

extension Character {
  fileprivate var isLetterOrDigit: Bool { isASCII && (isLetter || isNumber) }
}
