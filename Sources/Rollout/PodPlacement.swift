internal import Kube
public import Manifest

/// Where a Deployment's new pods can land and what each needs: the scheduler's filters that
/// capacity planning mirrors (NodeUnschedulable, TaintToleration, NodeAffinity with
/// nodeSelector) and the GPUs each pod requests. Read from the pod as the server would admit
/// it, so tolerations an admission plugin adds (ExtendedResourceToleration) count.
public struct PodPlacement: Sendable, Hashable {
  public var nodeSelector: [String: String]
  /// `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`: any one term must hold.
  public var requiredTerms: [Value]
  public var tolerations: [Toleration]
  public var gpusPerPod: Int

  public init(nodeSelector: [String: String] = [:], requiredTerms: [Value] = [], tolerations: [Toleration] = [], gpusPerPod: Int) {
    self.nodeSelector = nodeSelector
    self.requiredTerms = requiredTerms
    self.tolerations = tolerations
    self.gpusPerPod = gpusPerPod
  }

  /// From a pod (or a pod template: `{metadata, spec}`).
  public init(pod: Value) {
    var selector: [String: String] = [:]
    for (key, value) in pod[path: ["spec", "nodeSelector"]]?.objectValue ?? [:] {
      if let text = value.stringValue { selector[key] = text }
    }
    var requests = 0.0
    for container in pod[path: ["spec", "containers"]]?.arrayValue ?? [] {
      // An extended resource's request defaults to its limit, as the API server does.
      let amount = container[path: ["resources", "requests", GPUCapacity.resource]] ?? container[path: ["resources", "limits", GPUCapacity.resource]]
      requests += amount.flatMap(Quantity.init)?.value ?? 0
    }
    self.init(
      nodeSelector: selector,
      requiredTerms: pod[path: ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]]?
        .arrayValue ?? [],
      tolerations: (pod[path: ["spec", "tolerations"]]?.arrayValue ?? []).map(Toleration.init),
      gpusPerPod: Int(requests.rounded(.up)))
  }

  public func canLand(on node: GPUNode) -> Bool {
    if node.unschedulable && !tolerations.contains(where: { $0.tolerates(.cordon) }) { return false }
    for taint in node.taints where taint.repelsNewPods && !tolerations.contains(where: { $0.tolerates(taint) }) { return false }
    for (key, value) in nodeSelector where node.labels[key] != value { return false }
    if !requiredTerms.isEmpty && !requiredTerms.contains(where: { LabelSelection.nodeSelectorTerm($0, matches: node.labels) }) {
      return false
    }
    return true
  }

  /// The node constraints as messages quote them: `gpu=a100`, or nil when any node would do.
  public var constraint: String? {
    var parts = nodeSelector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    let terms = requiredTerms.map(LabelSelection.describe(term:)).filter { !$0.isEmpty }
    if terms.count == 1 { parts.append(terms[0]) } else if terms.count > 1 { parts.append("(" + terms.joined(separator: ") or (") + ")") }
    return parts.isEmpty ? nil : parts.joined(separator: ", ")
  }
}
