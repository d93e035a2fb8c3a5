/// Free `nvidia.com/gpu` per node: allocatable minus what the pods bound there request.
/// Terminating pods still hold their device until their containers stop, so they count as
/// busy; finished pods hold nothing. Reservations let several Deployments rolling at once
/// share the same free GPUs instead of each counting them as its own.
public struct GPUCapacity: Sendable, Hashable {
  public static let resource = "nvidia.com/gpu"

  public private(set) var nodes: [GPUNode]
  /// Free GPUs per node name; never negative (an over-committed node has none free).
  public private(set) var free: [String: Int]

  public init(nodes: [GPUNode], pods: [NodePod]) {
    self.nodes = nodes.sorted { $0.name < $1.name }
    var used: [String: Int] = [:]
    for pod in pods where !pod.finished {
      guard let node = pod.nodeName else { continue }
      used[node, default: 0] += pod.gpus
    }
    var free: [String: Int] = [:]
    for node in nodes { free[node.name] = max(0, node.allocatableGPUs - (used[node.name] ?? 0)) }
    self.free = free
  }

  /// Nodes the pods can land on, by name: the scheduler's filters, and for a GPU pod a node
  /// with at least that many GPUs (a CPU node is no place for it, even when empty).
  public func nodes(for placement: PodPlacement) -> [GPUNode] {
    nodes.filter { placement.canLand(on: $0) && $0.allocatableGPUs >= placement.gpusPerPod }
  }

  /// Free GPUs summed over the nodes the pods can land on.
  public func freeGPUs(for placement: PodPlacement) -> Int {
    nodes(for: placement).reduce(0) { $0 + (free[$1.name] ?? 0) }
  }

  /// How many more pods fit: a pod's GPUs come from one node, so leftovers smaller than a pod
  /// do not add up. `releasing` adds GPUs pods will give back on each node (old pods replaced).
  public func podSlots(for placement: PodPlacement, releasing: [String: Int] = [:]) -> Int {
    guard placement.gpusPerPod > 0 else { return Int.max }
    return nodes(for: placement).reduce(0) { total, node in
      total + ((free[node.name] ?? 0) + (releasing[node.name] ?? 0)) / placement.gpusPerPod
    }
  }

  /// Takes free GPUs for `pods` new pods, most free node first (then by name), as spreading
  /// scheduling would; returns how many pods got a place.
  @discardableResult
  public mutating func reserve(_ pods: Int, for placement: PodPlacement) -> Int {
    guard placement.gpusPerPod > 0 else { return pods }
    var placed = 0
    while placed < pods {
      let candidates = nodes(for: placement).filter { (free[$0.name] ?? 0) >= placement.gpusPerPod }
      guard let node = candidates.max(by: { (free[$0.name] ?? 0, $1.name) < (free[$1.name] ?? 0, $0.name) }) else { break }
      free[node.name, default: 0] -= placement.gpusPerPod
      placed += 1
    }
    return placed
  }
}
