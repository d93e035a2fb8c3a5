internal import Kube
public import Manifest

/// A pod as capacity and budgets see it: where it runs, the GPUs it holds, and whether it serves.
public struct NodePod: Sendable, Hashable {
  public var namespace: String
  public var name: String
  public var labels: [String: String]
  /// nil while Pending unscheduled: it holds no node's GPUs yet.
  public var nodeName: String?
  public var gpus: Int
  /// Has a deletionTimestamp: still holds its GPU until its containers stop.
  public var terminating: Bool
  /// Succeeded or Failed: holds nothing, as the scheduler counts.
  public var finished: Bool
  public var ready: Bool

  public init(
    namespace: String, name: String, labels: [String: String] = [:], nodeName: String?, gpus: Int, terminating: Bool = false,
    finished: Bool = false, ready: Bool = true
  ) {
    self.namespace = namespace
    self.name = name
    self.labels = labels
    self.nodeName = nodeName
    self.gpus = gpus
    self.terminating = terminating
    self.finished = finished
    self.ready = ready
  }

  public init(_ pod: Value) {
    let phase = pod[path: ["status", "phase"]]?.stringValue
    self.init(
      namespace: pod.namespace ?? "default", name: pod.name ?? "", labels: LabelSelection.labels(of: pod),
      nodeName: pod[path: ["spec", "nodeName"]]?.stringValue,
      gpus: Int((PodStatus.requests(pod)[GPUCapacity.resource] ?? 0).rounded(.up)),
      terminating: PodStatus.isTerminating(pod), finished: phase == "Succeeded" || phase == "Failed", ready: PodStatus.isReady(pod))
  }

  /// Counts toward a budget's healthy pods: ready and not on its way out.
  public var serving: Bool { ready && !terminating && !finished }
}
