public import Manifest

/// What the rules read: an environment's rendered objects, the settings they measure against,
/// and, when a cluster was reachable, its GPUs and the Deployments' live state.
public struct LintInput: Sendable {
  public var objects: [Value]
  public var settings: LintSettings
  public var cluster: LintCluster?
  /// The objects that run pods, in rendered order.
  public let workloads: [LintWorkload]

  public init(objects: [Value], settings: LintSettings = LintSettings(), cluster: LintCluster? = nil) {
    self.objects = objects
    self.settings = settings
    self.cluster = cluster
    self.workloads = objects.compactMap(LintWorkload.init)
  }

  /// Objects of one kind in any of `groups` (`""` is the core group), in rendered order.
  public func objects(kind: String, groups: Set<String>) -> [Value] {
    objects.filter { object in
      guard let gvk = object.gvk else { return false }
      return gvk.kind == kind && groups.contains(gvk.group)
    }
  }

  public func deployment(namespace: String, name: String) -> LintWorkload? {
    workloads.first { $0.isDeployment && $0.namespace == namespace && $0.id.name == name }
  }

  /// The workload an HPA's scaleTargetRef names, if rendered here.
  public func target(of hpa: Value) -> LintWorkload? {
    guard let ref = hpa[path: ["spec", "scaleTargetRef"]], let kind = ref["kind"]?.stringValue, let name = ref["name"]?.stringValue
    else { return nil }
    let group = ref["apiVersion"]?.stringValue.map { GroupVersionKind(apiVersion: $0, kind: kind).group }
    let namespace = hpa.namespace ?? "default"
    return workloads.first {
      $0.namespace == namespace && $0.id.gvk.kind == kind && $0.id.name == name && (group ?? $0.id.gvk.group) == $0.id.gvk.group
    }
  }

  /// HorizontalPodAutoscalers whose scaleTargetRef is this workload.
  public func autoscalers(of workload: LintWorkload) -> [Value] {
    objects(kind: "HorizontalPodAutoscaler", groups: ["autoscaling"]).filter { target(of: $0)?.id == workload.id }
  }

  /// The most pods a workload may run: its replicas (default 1), or an autoscaler's maxReplicas if higher.
  public func maxReplicas(of workload: LintWorkload) -> Int64 {
    let own = workload.object[path: ["spec", "replicas"]]?.intValue ?? 1
    let scaled = autoscalers(of: workload).compactMap { $0[path: ["spec", "maxReplicas"]]?.intValue }
    return ([own] + scaled).max() ?? own
  }
}
