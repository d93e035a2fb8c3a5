import Kube
import Manifest
import Rollout

/// Clusters and Deployments for the planner's tables: single-GPU nodes, a Deployment's pods
/// one per node, all ready unless told otherwise.
enum PlanFixtures {
  static let namespace = "llm"

  static func id(_ name: String) -> ResourceID {
    ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: namespace, name: name)
  }

  static func nodes(_ count: Int, prefix: String = "gpu-node", gpus: Int = 1, labels: [String: String] = [:], taints: [Taint] = [])
    -> [GPUNode]
  {
    guard count > 0 else { return [] }
    return (1...count).map { GPUNode(name: "\(prefix)-\($0)", labels: labels, taints: taints, allocatableGPUs: gpus) }
  }

  /// `replicas` pods of Deployment `app`, one GPU each, spread over `nodes` in order; the
  /// first `ready` of them ready (all by default).
  static func pods(_ app: String, _ replicas: Int, on nodes: [GPUNode], ready: Int? = nil, gpus: Int = 1) -> [NodePod] {
    guard replicas > 0 else { return [] }
    return (0..<replicas).map { i in
      NodePod(
        namespace: namespace, name: "\(app)-\(i)", labels: ["app": app], nodeName: nodes.isEmpty ? nil : nodes[i % nodes.count].name,
        gpus: gpus, ready: i < (ready ?? replicas))
    }
  }

  static func candidate(
    _ app: String = "vllm", replicas: Int, pods: [NodePod], strategy: RolloutStrategy = zeroDowntime,
    placement: PodPlacement = PodPlacement(gpusPerPod: 1), window: Duration? = .seconds(330), isNew: Bool = false
  ) -> RolloutCandidate {
    RolloutCandidate(
      id: id(app), replicas: replicas, isNew: isNew, placement: placement, podLabels: ["app": app], strategy: strategy,
      readinessWindow: window, pods: pods.filter { $0.labels["app"] == app })
  }

  static func pdb(_ rule: PodDisruptionBudgetRule.Rule, app: String = "vllm") -> PodDisruptionBudgetRule {
    PodDisruptionBudgetRule(namespace: namespace, name: app, selector: ["matchLabels": ["app": .string(app)]], rule: rule)
  }

  /// The example app's strategy: surge one pod, never take one down.
  static let zeroDowntime = RolloutStrategy(maxSurge: 1, maxUnavailable: 0)
  /// Kubernetes' default.
  static let kubernetesDefault = RolloutStrategy()

  /// `replicas` pods filling `replicas` nodes, plus `free` empty GPU nodes, and the budgets.
  static func matrixCluster(replicas: Int, free: Int, budgets: [PodDisruptionBudgetRule]) -> (ClusterSnapshot, [NodePod]) {
    let busy = nodes(replicas, prefix: "busy")
    let spare = nodes(free, prefix: "spare")
    let running = pods("vllm", replicas, on: busy)
    return (ClusterSnapshot(nodes: busy + spare, pods: running, budgets: budgets), running)
  }

  static func plan(_ candidates: [RolloutCandidate], _ cluster: ClusterSnapshot, allowDowntime: Bool = false) -> RolloutPlan {
    RolloutPlanner(allowDowntime: allowDowntime).plan(environment: "test", candidates: candidates, cluster: cluster)
  }
}

extension RolloutStep {
  var blockedReason: String? { if case .blocked(let reason) = self { return reason } else { return nil } }
}
