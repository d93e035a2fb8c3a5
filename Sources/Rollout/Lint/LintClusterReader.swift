public import Kube
public import Manifest

/// Reads the cluster for lint through `KubeAPI` alone, as `PlanInputsReader` reads it for the
/// plan (same nodes, pods, budgets and dry-run admitted pods), but for every rendered
/// Deployment rather than the changed ones: lint asks whether a rollout could start at all.
/// Writes nothing.
public struct LintClusterReader: Sendable {
  public let api: any KubeAPI
  public var fieldManager: String

  public init(api: any KubeAPI, fieldManager: String = "release") {
    self.api = api
    self.fieldManager = fieldManager
  }

  public func read(_ objects: [Value]) async throws(RolloutError) -> LintCluster {
    let plan = PlanInputsReader(api: api, fieldManager: fieldManager)
    let input = LintInput(objects: objects)
    let deployments = input.workloads.filter(\.isDeployment)
    guard !deployments.isEmpty else { return LintCluster(snapshot: ClusterSnapshot(nodes: [], pods: [], budgets: []), candidates: []) }

    let nodes = try await plan.list(PlanInputsReader.nodeGVK, namespace: nil, doing: "listing nodes for GPU capacity").map(GPUNode.init)
    let pods = try await plan.list(PlanInputsReader.podGVK, namespace: nil, doing: "listing pods for GPU capacity").map(NodePod.init)
    // The budgets that would hold during a rollout: git's where it renders one, else the live one.
    var budgets: [ResourceID: PodDisruptionBudgetRule] = [:]
    for namespace in Set(deployments.map(\.namespace)).sorted() {
      for pdb in try await plan.list(PlanInputsReader.pdbGVK, namespace: namespace, doing: "listing PodDisruptionBudgets in \(namespace)") {
        if let id = pdb.resourceID { budgets[id] = PodDisruptionBudgetRule(pdb) }
      }
    }
    for pdb in input.objects(kind: "PodDisruptionBudget", groups: ["policy"]) {
      if let id = pdb.resourceID {
        budgets[ResourceID(gvk: PlanInputsReader.pdbGVK, namespace: id.namespace, name: id.name)] = PodDisruptionBudgetRule(pdb)
      }
    }

    var candidates: [RolloutCandidate] = []
    var notes: [String] = []
    for deployment in deployments {
      let live = try await self.live(ResourceID(gvk: deployment.id.gvk, namespace: deployment.namespace, name: deployment.id.name))
      let (admitted, warning) = try await plan.admittedPod(deployment.object)
      if let warning { notes.append(warning) }
      candidates.append(
        Self.candidate(deployment, live: live, autoscaled: !input.autoscalers(of: deployment).isEmpty, pods: pods, admittedPod: admitted))
    }
    return LintCluster(
      snapshot: ClusterSnapshot(nodes: nodes, pods: pods, budgets: budgets.sorted { $0.key < $1.key }.map(\.value)),
      candidates: candidates, notes: notes)
  }

  /// The Deployment as a rollout of it would start now: at its live replicas where an HPA owns
  /// them, its own live pods (by the live selector, which cannot change), new if not running.
  public static func candidate(
    _ deployment: LintWorkload, live: Value?, autoscaled: Bool, pods: [NodePod], admittedPod: Value?
  ) -> RolloutCandidate {
    let liveReplicas = autoscaled ? live?[path: ["spec", "replicas"]]?.intValue : nil
    let replicas = liveReplicas ?? deployment.object[path: ["spec", "replicas"]]?.intValue ?? 1
    let selector = (live ?? deployment.object)[path: ["spec", "selector"]]
    return RolloutCandidate(
      id: deployment.id, replicas: Int(replicas), replicasFromAutoscaler: liveReplicas != nil, isNew: live == nil || live == .null,
      placement: PodPlacement(pod: admittedPod ?? deployment.template), podLabels: deployment.podLabels,
      strategy: RolloutStrategy(deployment: deployment.object), readinessWindow: ReadinessWindow.of(podTemplate: deployment.template),
      pods: pods.filter { $0.namespace == deployment.namespace && LabelSelection.selector(selector, matches: $0.labels) })
  }

  func live(_ id: ResourceID) async throws(RolloutError) -> Value? {
    do {
      return try await api.get(id)
    } catch where error.isNotFound {
      return nil
    } catch {
      throw RolloutError.api(error, doing: "reading \(id)")
    }
  }
}
