internal import Kube
internal import KubeSim
internal import Manifest

/// Nodes, GPUs and pods as any `KubeAPI` reports them, so the same summary describes the
/// in-process cluster and one reached over HTTPS.
struct ClusterOverview {
  struct Node {
    var name: String
    var gpus: Double
    var gpusUsed: Double
    var pods: Int
    var schedulable: Bool
  }

  var nodes: [Node]
  var pods: Int
  var readyPods: Int
  var pendingPods: Int

  static func gather(from api: any KubeAPI) async throws(KubeError) -> ClusterOverview {
    let nodeObjects = try await api.list(GroupVersionKind(group: "", version: "v1", kind: "Node")).items
    let pods = try await api.list(GroupVersionKind(group: "", version: "v1", kind: "Pod")).items
    let byNode = Dictionary(grouping: pods) { $0[path: ["spec", "nodeName"]]?.stringValue ?? "" }
    let nodes = nodeObjects.map { node in
      let name = node[path: ["metadata", "name"]]?.stringValue ?? ""
      let onNode = byNode[name] ?? []
      // Finished pods hold no resources, as the scheduler counts them.
      let holding = onNode.filter { !["Succeeded", "Failed"].contains($0[path: ["status", "phase"]]?.stringValue ?? "") }
      return Node(
        name: name,
        gpus: node[path: ["status", "allocatable", "nvidia.com/gpu"]].flatMap(Quantity.init)?.value ?? 0,
        gpusUsed: holding.reduce(0) { $0 + (PodStatus.requests($1)["nvidia.com/gpu"] ?? 0) },
        pods: onNode.count,
        schedulable: node[path: ["spec", "unschedulable"]]?.boolValue != true)
    }
    return ClusterOverview(
      nodes: nodes, pods: pods.count, readyPods: pods.filter(PodStatus.isReady).count,
      pendingPods: pods.filter { !PodStatus.isScheduled($0) }.count)
  }
}
