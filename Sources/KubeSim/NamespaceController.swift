import Kube
import Manifest

/// The namespace controller (pkg/controller/namespace/deletion): for each Terminating namespace
/// still held by the `kubernetes` finalizer, it deletes every object in it (background
/// propagation, so pods terminate gracefully and each object keeps its own finalizers), reports
/// what remains in upstream's five deletion conditions, and finalizes the namespace once nothing
/// is left, which removes it.
extension SimCluster {
  static let namespaceConditionTypes = [
    "NamespaceDeletionDiscoveryFailure", "NamespaceDeletionGroupVersionParsingFailure", "NamespaceDeletionContentFailure",
    "NamespaceContentRemaining", "NamespaceFinalizersRemaining",
  ]

  mutating func runNamespaceController() {
    for namespace in api.store.list(APIServer.gvkNamespace) where namespace.isTerminating {
      guard let name = namespace.name,
        (namespace[path: ["spec", "finalizers"]]?.arrayValue ?? []).contains("kubernetes")
      else { continue }
      for bucket in api.store.allBuckets {
        for object in api.store.list(GroupVersionKind(group: bucket.group, version: "", kind: bucket.kind), namespace: name)
        where !object.isTerminating {
          remove(object, manager: "namespace-controller")
        }
      }
      var remaining: [String: Int] = [:]
      var held: [String: Int] = [:]
      for bucket in api.store.allBuckets {
        let gvk = GroupVersionKind(group: bucket.group, version: "", kind: bucket.kind)
        for object in api.store.list(gvk, namespace: name) {
          // Upstream's `%s.%s`: a core resource reads "pods.".
          remaining["\(api.resourceName(gvk)).\(bucket.group)", default: 0] += 1
          for finalizer in (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue) {
            held[finalizer, default: 0] += 1
          }
        }
      }
      updateDeletionConditions(of: namespace, remaining: remaining, held: held)
      if remaining.isEmpty { api.finalizeNamespace(name) }
    }
  }

  /// Upstream's updateConditions: every condition type is present, in the "ok" form unless
  /// content remains; lastTransitionTime moves only when a status flips.
  private mutating func updateDeletionConditions(of namespace: Value, remaining: [String: Int], held: [String: Int]) {
    var failing: [String: (reason: String, message: String)] = [:]
    if !remaining.isEmpty {
      let items = remaining.map { "\($0.key) has \($0.value) resource instances" }.sorted()
      failing["NamespaceContentRemaining"] = ("SomeResourcesRemain", "Some resources are remaining: \(items.joined(separator: ", "))")
    }
    if !held.isEmpty {
      let items = held.map { "\($0.key) in \($0.value) resource instances" }.sorted()
      failing["NamespaceFinalizersRemaining"] = (
        "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: \(items.joined(separator: ", "))"
      )
    }
    let ok: [String: (reason: String, message: String)] = [
      "NamespaceDeletionDiscoveryFailure": ("ResourcesDiscovered", "All resources successfully discovered"),
      "NamespaceDeletionGroupVersionParsingFailure": ("ParsedGroupVersions", "All legacy kube types successfully parsed"),
      "NamespaceDeletionContentFailure": ("ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
      "NamespaceContentRemaining": ("ContentRemoved", "All content successfully removed"),
      "NamespaceFinalizersRemaining": ("ContentHasNoFinalizers", "All content-preserving finalizers finished"),
    ]
    var conditions = namespace[path: ["status", "conditions"]]?.arrayValue ?? []
    for type in Self.namespaceConditionTypes {
      let status = failing[type] == nil ? "False" : "True"
      guard let wanted = failing[type] ?? ok[type] else { continue }
      if let index = conditions.firstIndex(where: { $0["type"]?.stringValue == type }) {
        var condition = conditions[index]
        if condition["status"]?.stringValue != status { condition["lastTransitionTime"] = .string(now.rfc3339) }
        condition["status"] = .string(status)
        condition["reason"] = .string(wanted.reason)
        condition["message"] = .string(wanted.message)
        conditions[index] = condition
      } else {
        conditions.append([
          "type": .string(type), "status": .string(status), "lastTransitionTime": .string(now.rfc3339),
          "reason": .string(wanted.reason), "message": .string(wanted.message),
        ])
      }
    }
    var updated = namespace
    updated[path: ["status", "conditions"]] = .array(conditions)
    if !updated.isSameObject(as: namespace) { writeStatus(updated) }
  }
}
