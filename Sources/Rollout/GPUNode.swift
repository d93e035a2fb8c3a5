internal import Kube
public import Manifest

/// A node as capacity planning sees it: what may be scheduled there and how many GPUs it offers.
public struct GPUNode: Sendable, Hashable {
  public var name: String
  public var labels: [String: String]
  public var taints: [Taint]
  /// Cordoned (`spec.unschedulable`): no new pod lands here unless it tolerates the cordon.
  public var unschedulable: Bool
  /// `status.allocatable` of `nvidia.com/gpu` (what pods may request, not the raw capacity).
  public var allocatableGPUs: Int

  public init(name: String, labels: [String: String] = [:], taints: [Taint] = [], unschedulable: Bool = false, allocatableGPUs: Int) {
    self.name = name
    self.labels = labels
    self.taints = taints
    self.unschedulable = unschedulable
    self.allocatableGPUs = allocatableGPUs
  }

  public init(_ node: Value) {
    self.init(
      name: node.name ?? "", labels: LabelSelection.labels(of: node),
      taints: (node[path: ["spec", "taints"]]?.arrayValue ?? []).map(Taint.init),
      unschedulable: node[path: ["spec", "unschedulable"]]?.boolValue == true,
      // A fractional GPU count is not something the device plugin reports; round down to be safe.
      allocatableGPUs: Int((node[path: ["status", "allocatable", GPUCapacity.resource]].flatMap(Quantity.init)?.value ?? 0).rounded(.down)))
  }
}
