public import Diff
public import Kube
internal import Manifest

/// Reads what the plan needs through `KubeAPI` alone, so the same reads serve a real cluster
/// and the simulated one: nodes, every pod (a GPU held in any namespace is not free), the
/// PodDisruptionBudgets of the rolling Deployments' namespaces, and each new pod as the server
/// would admit it (a dry-run create: admission plugins such as ExtendedResourceToleration add
/// tolerations the template does not show). Writes nothing.
public struct PlanInputsReader: Sendable {
  public let api: any KubeAPI
  public var fieldManager: String

  public init(api: any KubeAPI, fieldManager: String = "release") {
    self.api = api
    self.fieldManager = fieldManager
  }

  public struct Inputs: Sendable {
    public var candidates: [RolloutCandidate]
    public var cluster: ClusterSnapshot
    /// Reads that fell back to a weaker source, with why (e.g. a namespace not created yet).
    public var warnings: [String]
  }

  static let nodeGVK = GroupVersionKind(group: "", version: "v1", kind: "Node")
  static let podGVK = GroupVersionKind(group: "", version: "v1", kind: "Pod")
  static let pdbGVK = GroupVersionKind(group: "policy", version: "v1", kind: "PodDisruptionBudget")

  public func read(_ comparison: ClusterComparer.Result) async throws(RolloutError) -> Inputs {
    let rolling = Set(comparison.changeSet.objects.filter(RolloutCandidate.rolls).map(\.id))
    let desired = comparison.desired.filter { $0.applied.resourceID.map(rolling.contains) ?? false }
    guard !desired.isEmpty else { return Inputs(candidates: [], cluster: ClusterSnapshot(nodes: [], pods: [], budgets: []), warnings: []) }

    let nodes = try await list(Self.nodeGVK, namespace: nil, doing: "listing nodes for GPU capacity").map(GPUNode.init)
    let pods = try await list(Self.podGVK, namespace: nil, doing: "listing pods for GPU capacity").map(NodePod.init)
    let namespaces = Set(desired.compactMap { $0.applied.namespace }).sorted()
    // The budgets that hold while the rollout runs: git's where the environment renders one
    // (apply writes it first), the live one otherwise.
    var budgets: [ResourceID: PodDisruptionBudgetRule] = [:]
    for namespace in namespaces {
      for pdb in try await list(Self.pdbGVK, namespace: namespace, doing: "listing PodDisruptionBudgets in \(namespace)") {
        if let id = pdb.resourceID { budgets[id] = PodDisruptionBudgetRule(pdb) }
      }
    }
    for object in comparison.desired where object.applied.kind == "PodDisruptionBudget" {
      if let id = object.applied.resourceID { budgets[ResourceID(gvk: Self.pdbGVK, namespace: id.namespace, name: id.name)] = PodDisruptionBudgetRule(object.applied) }
    }

    var candidates: [RolloutCandidate] = []
    var warnings: [String] = []
    for object in desired {
      let (admitted, warning) = try await admittedPod(object.applied)
      if let warning { warnings.append(warning) }
      candidates.append(RolloutCandidate(desired: object, livePods: pods, admittedPod: admitted))
    }
    return Inputs(
      candidates: candidates,
      cluster: ClusterSnapshot(nodes: nodes, pods: pods, budgets: budgets.sorted { $0.key < $1.key }.map(\.value)),
      warnings: warnings)
  }

  func list(_ gvk: GroupVersionKind, namespace: String?, doing: String) async throws(RolloutError) -> [Value] {
    do {
      return try await api.list(gvk, namespace: namespace).items
    } catch {
      throw RolloutError.api(error, doing: doing)
    }
  }

  /// The Deployment's pod template as the server admits a pod of it, from a dry-run create; nil
  /// with a warning when the server cannot be asked (we may not create pods). A namespace this
  /// apply creates does not exist yet: admission treats a pod alike in any namespace, so ask in
  /// `default`, as the comparison's dry runs do. A refusal for any other reason is an error:
  /// the template itself is wrong.
  func admittedPod(_ deployment: Value) async throws(RolloutError) -> (Value?, String?) {
    let template = deployment[path: ["spec", "template"]] ?? [:]
    let namespace = deployment.namespace ?? "default"
    let what = "deployment \(namespace)/\(deployment.name ?? "")"
    var pod: Value = [
      "apiVersion": "v1", "kind": "Pod",
      "metadata": ["name": .string("\(deployment.name ?? "deployment")-release-plan-probe"), "namespace": .string(namespace)],
    ]
    if let labels = template[path: ["metadata", "labels"]] { pod[path: ["metadata", "labels"]] = labels }
    pod["spec"] = template["spec"] ?? [:]
    for attempt in [namespace, "default"] {
      pod.namespace = attempt
      do {
        return (try await api.create(pod, options: WriteOptions(fieldManager: fieldManager, dryRun: true)), nil)
      } catch where error.isNotFound && attempt != "default" {
        continue
      } catch where error.isNotFound || error.isAlreadyExists || error.reason == .forbidden {
        return (nil, "\(what): pods read as the template writes them, not as the server would admit them (a dry-run pod "
          + "create said: \(error)); tolerations an admission plugin adds are not counted")
      } catch {
        throw RolloutError.api(error, doing: "asking the server how it admits pods of \(what) (dry run)")
      }
    }
    return (nil, nil)
  }
}
