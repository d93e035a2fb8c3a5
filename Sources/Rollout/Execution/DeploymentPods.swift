internal import Kube
internal import Manifest

/// A Deployment's pods, split into its current revision's and the rest, read through `KubeAPI`
/// as the Deployment controller relates them: the ReplicaSet it owns whose revision annotation
/// is the Deployment's, and that ReplicaSet's pod-template-hash.
struct DeploymentPods: Sendable {
  /// Nil until the controller has observed the Deployment's latest spec.
  var newHash: String?
  var new: [Value]
  var old: [Value]
  /// The pod list's selector and resourceVersion: where a watch for the next change starts.
  var podRead: ChangeWait.Read?

  static let replicaSetGVK = GroupVersionKind(group: "apps", version: "v1", kind: "ReplicaSet")
  static let podGVK = GroupVersionKind(group: "", version: "v1", kind: "Pod")
  static let revisionKey = "deployment.kubernetes.io/revision"

  static func read(_ deployment: Value, api: any KubeAPI) async throws(KubeError) -> DeploymentPods {
    let namespace = deployment.namespace ?? "default"
    let selector = deployment[path: ["spec", "selector"]]
    let labelSelector = (selector?["matchLabels"]?.objectValue ?? [:])
      .compactMap { key, value in value.stringValue.map { "\(key)=\($0)" } }.sorted().joined(separator: ",")
    let options = ListOptions(labelSelector: labelSelector.isEmpty ? nil : labelSelector)
    let list = try await api.list(podGVK, namespace: namespace, options: options)
    let podRead = list.resourceVersion.isEmpty
      ? nil : ChangeWait.Read(gvk: podGVK, namespace: namespace, labelSelector: options.labelSelector, resourceVersion: list.resourceVersion)
    let pods = list.items.filter { LabelSelection.selector(selector, matches: LabelSelection.labels(of: $0)) }
    let generation = deployment[path: ["metadata", "generation"]]?.intValue ?? 0
    let observed = deployment[path: ["status", "observedGeneration"]]?.intValue ?? -1
    guard observed >= generation, let uid = deployment[path: ["metadata", "uid"]]?.stringValue,
      let revision = deployment[path: ["metadata", "annotations", revisionKey]]?.stringValue
    else { return DeploymentPods(newHash: nil, new: [], old: pods, podRead: podRead) }
    let sets = try await api.list(replicaSetGVK, namespace: namespace, options: options).items
    let owned = sets.first { rs in
      let owners = rs[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
      return owners.contains { $0["uid"]?.stringValue == uid }
        && rs[path: ["metadata", "annotations", revisionKey]]?.stringValue == revision
    }
    guard let hash = owned?[path: ["metadata", "labels", "pod-template-hash"]]?.stringValue else {
      return DeploymentPods(newHash: nil, new: [], old: pods, podRead: podRead)
    }
    let isNew: (Value) -> Bool = { $0[path: ["metadata", "labels", "pod-template-hash"]]?.stringValue == hash }
    return DeploymentPods(newHash: hash, new: pods.filter(isNew), old: pods.filter { !isNew($0) }, podRead: podRead)
  }
}
