public import Diff
internal import Kube
public import Manifest

/// A rendered object that runs pods (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
/// CronJob, Pod), with its pod template and each container's field path, so rules name
/// `spec.template.spec.containers[name=vllm].image` instead of re-walking the object.
public struct LintWorkload: Sendable {
  public struct Container: Sendable {
    public var name: String
    public var value: Value
    /// The container itself: `spec.template.spec.containers[name=vllm]`.
    public var field: FieldPath
    public var isInit: Bool

    /// `nvidia.com/gpu` the container asks for: its request, or its limit where it sets none
    /// (the API server defaults an extended resource's request to its limit); 0 when neither.
    public var gpus: Double {
      let request = value[path: ["resources", "requests", GPUCapacity.resource]].flatMap(Quantity.init)?.value
      let limit = value[path: ["resources", "limits", GPUCapacity.resource]].flatMap(Quantity.init)?.value
      return request ?? limit ?? 0
    }
  }

  public var id: ResourceID
  public var object: Value
  /// From the object to its pod template (`metadata` + `spec`); empty for a Pod.
  public var templatePath: [String]
  public var template: Value
  /// `containers` then `initContainers`, each in written order.
  public var containers: [Container]

  public init?(_ object: Value) {
    guard let id = object.resourceID, let path = Self.templatePath(id.gvk) else { return nil }
    let template = path.isEmpty ? object : (object[path: path] ?? [:])
    var containers: [Container] = []
    for (list, isInit) in [("containers", false), ("initContainers", true)] {
      let base = FieldPath((path + ["spec", list]).map(FieldPath.Step.key))
      for (index, container) in (template[path: ["spec", list]]?.arrayValue ?? []).enumerated() {
        let name = container["name"]?.stringValue
        let step: FieldPath.Step = name.map { .element(key: "name", value: $0) } ?? .index(index)
        containers.append(Container(name: name ?? "#\(index)", value: container, field: base.appending(step), isInit: isInit))
      }
    }
    self.id = id
    self.object = object
    self.templatePath = path
    self.template = template
    self.containers = containers
  }

  /// Where each kind keeps its pod template; nil for kinds that run no pods.
  static func templatePath(_ gvk: GroupVersionKind) -> [String]? {
    switch (gvk.group, gvk.kind) {
    case ("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet"), ("apps", "ReplicaSet"), ("batch", "Job"):
      return ["spec", "template"]
    case ("batch", "CronJob"): return ["spec", "jobTemplate", "spec", "template"]
    case ("", "Pod"): return []
    default: return nil
    }
  }

  public var namespace: String { id.namespace ?? "default" }
  public var isDeployment: Bool { id.gvk.group == "apps" && id.gvk.kind == "Deployment" }
  /// Serving workloads: their pods sit behind a Service and need to say when they are ready.
  public var serves: Bool { id.gvk.group == "apps" && (id.gvk.kind == "Deployment" || id.gvk.kind == "StatefulSet") }
  /// Runs containers that ask for GPUs.
  public var usesGPUs: Bool { containers.contains { $0.gpus > 0 } }
  public var podLabels: [String: String] { LabelSelection.labels(of: template) }

  /// A field under the pod template: `spec.template` + `rest`.
  public func field(_ rest: [String]) -> FieldPath { FieldPath((templatePath + rest).map(FieldPath.Step.key)) }
}
