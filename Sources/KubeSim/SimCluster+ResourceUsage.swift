internal import Kube
import Manifest

/// The kubelet's view of what containers use. A simulated container runs no code, so its usage
/// is what its image behaviour says (the scenario's `metrics` keys `cpuCores` and
/// `memoryBytes`, or `setMetric`), else what it asked for: its requests, or its limits where it
/// set no request (as the API server defaults them). Only running containers of pods that are
/// not terminating report, as metrics-server lists only pods it has samples for.
extension SimCluster {
  static let usageKeys = (cpu: "cpuCores", memory: "memoryBytes")

  func resourceUsage() -> ResourceUsage {
    var pods: [ResourceUsage.Pod] = []
    var perNode: [String: (cpu: Double, memory: Double)] = [:]
    for pod in api.store.list(Self.gvkPod) where !PodStatus.isTerminating(pod) {
      guard pod[path: ["status", "phase"]]?.stringValue == "Running", let namespace = pod.namespace, let name = pod.name else { continue }
      let running = Set(
        (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []).filter { $0[path: ["state", "running"]] != nil }.compactMap { $0["name"]?.stringValue })
      var containers: [ResourceUsage.Container] = []
      for container in pod[path: ["spec", "containers"]]?.arrayValue ?? [] {
        guard let containerName = container["name"]?.stringValue, running.contains(containerName) else { continue }
        let image = container["image"]?.stringValue ?? ""
        let usage = ResourceUsage.Container(
          name: containerName,
          cpuCores: metric(Self.usageKeys.cpu, image: image) ?? Self.asked(container, "cpu"),
          memoryBytes: metric(Self.usageKeys.memory, image: image) ?? Self.asked(container, "memory"))
        containers.append(usage)
      }
      if containers.isEmpty { continue }
      pods.append(ResourceUsage.Pod(namespace: namespace, name: name, labels: pod[path: ["metadata", "labels"]] ?? [:], containers: containers))
      if let node = pod[path: ["spec", "nodeName"]]?.stringValue {
        var total = perNode[node] ?? (0, 0)
        for container in containers {
          total.cpu += container.cpuCores
          total.memory += container.memoryBytes
        }
        perNode[node] = total
      }
    }
    pods.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    let nodes = api.store.list(Self.gvkNode).compactMap { node -> ResourceUsage.Node? in
      guard let name = node.name else { return nil }
      let total = perNode[name] ?? (0, 0)
      return ResourceUsage.Node(name: name, labels: node[path: ["metadata", "labels"]] ?? [:], cpuCores: total.cpu, memoryBytes: total.memory)
    }.sorted { $0.name < $1.name }
    return ResourceUsage(timestamp: now, pods: pods, nodes: nodes)
  }

  private static func asked(_ container: Value, _ resource: String) -> Double {
    let raw = container[path: ["resources", "requests", resource]] ?? container[path: ["resources", "limits", resource]]
    return raw.flatMap(Quantity.init)?.value ?? 0
  }
}

extension KubeSim {
  /// What `kubectl top` shows, at the current virtual instant (reads state only).
  public func resourceUsage() -> ResourceUsage {
    cluster.resourceUsage()
  }
}
