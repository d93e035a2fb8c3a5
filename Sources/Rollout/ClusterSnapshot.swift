/// What the plan reads of the cluster, taken once: nodes, every pod (GPUs held anywhere count),
/// and the PodDisruptionBudgets that will hold during the rollout (git's where it renders
/// them, else the live ones).
public struct ClusterSnapshot: Sendable, Hashable {
  public var nodes: [GPUNode]
  public var pods: [NodePod]
  public var budgets: [PodDisruptionBudgetRule]

  public init(nodes: [GPUNode], pods: [NodePod], budgets: [PodDisruptionBudgetRule]) {
    self.nodes = nodes
    self.pods = pods
    self.budgets = budgets
  }
}
