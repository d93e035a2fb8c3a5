public import Diff
internal import Kube
public import Manifest

/// A Deployment whose pods this apply replaces (its pod template changes) or creates, with
/// what the plan needs to know of it. Built from values only; the I/O that fetches them lives
/// in `PlanInputsReader`.
public struct RolloutCandidate: Sendable, Hashable {
  public var id: ResourceID
  /// The replica count the rollout works with: git's, or the live one where an HPA owns it.
  public var replicas: Int
  public var replicasFromAutoscaler: Bool
  /// Not in the cluster yet: its pods are all new, none is replaced.
  public var isNew: Bool
  /// Where the new pods can land and the GPUs each needs.
  public var placement: PodPlacement
  /// The new pods' labels, for the PodDisruptionBudgets that will cover them.
  public var podLabels: [String: String]
  public var strategy: RolloutStrategy
  public var readinessWindow: Duration?
  /// The Deployment's live pods (its selector's), old and new, terminating ones included.
  public var pods: [NodePod]

  public init(
    id: ResourceID, replicas: Int, replicasFromAutoscaler: Bool = false, isNew: Bool = false, placement: PodPlacement,
    podLabels: [String: String] = [:], strategy: RolloutStrategy = RolloutStrategy(), readinessWindow: Duration? = nil, pods: [NodePod] = []
  ) {
    self.id = id
    self.replicas = replicas
    self.replicasFromAutoscaler = replicasFromAutoscaler
    self.isNew = isNew
    self.placement = placement
    self.podLabels = podLabels
    self.strategy = strategy
    self.readinessWindow = readinessWindow
    self.pods = pods
  }

  /// Whether applying `diff` starts new pods of a Deployment: it is created, or a field of its
  /// pod template changes (a replicas-only change scales, it does not roll).
  public static func rolls(_ diff: ObjectDiff) -> Bool {
    guard diff.id.gvk.group == "apps", diff.id.gvk.kind == "Deployment" else { return false }
    switch diff.action {
    case .create: return true
    case .update: return diff.fields.contains { $0.path.steps.starts(with: [.key("spec"), .key("template")]) }
    case .unchanged, .prune: return false
    }
  }

  /// - Parameters:
  ///   - desired: the Deployment as it will be applied (replicas already the live ones where an HPA owns them).
  ///   - livePods: pods of its namespace; those its selector matches are its own.
  ///   - admittedPod: its pod template as the server would admit it as a pod (admission plugins
  ///     add tolerations, node selectors); nil to read the template as written.
  public init(desired: DesiredObject, livePods: [NodePod], admittedPod: Value?) {
    let object = desired.applied
    let id = object.resourceID ?? ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: nil, name: "")
    let template = object[path: ["spec", "template"]] ?? [:]
    let selector = (desired.live ?? object)[path: ["spec", "selector"]]
    let namespace = id.namespace ?? "default"
    // Before the HPA has scaled anything (a new Deployment) git's count is the one that starts.
    let autoscaled = desired.replicasOwnedByAutoscaler ? desired.live?[path: ["spec", "replicas"]]?.intValue : nil
    let replicas = autoscaled ?? object[path: ["spec", "replicas"]]?.intValue ?? 1
    self.init(
      id: id, replicas: Int(replicas), replicasFromAutoscaler: autoscaled != nil, isNew: desired.live == nil,
      placement: PodPlacement(pod: admittedPod ?? template), podLabels: LabelSelection.labels(of: template),
      strategy: RolloutStrategy(deployment: object), readinessWindow: ReadinessWindow.of(podTemplate: template),
      pods: livePods.filter { $0.namespace == namespace && LabelSelection.selector(selector, matches: $0.labels) })
  }

  /// Its pods that are running or starting and not on their way out.
  public var current: [NodePod] { pods.filter { !$0.terminating && !$0.finished } }
}
