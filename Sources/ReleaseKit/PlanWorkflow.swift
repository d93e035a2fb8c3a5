public import Kube
internal import Diff
internal import Manifest
public import Rollout

/// `release plan`: the rollout `apply` would perform now, computed read-only from the same
/// change set `diff` and `apply` compute, and the cluster's GPUs and budgets.
public enum PlanWorkflow {
  public struct Result: Sendable {
    public var plan: RolloutPlan
    public var warnings: [String]
  }

  public static func plan(_ context: EnvironmentContext, api: any KubeAPI, allowDowntime: Bool) async throws(ReleaseFailure) -> Result {
    let comparison = try await DiffWorkflow.comparison(context, api: api)
    do {
      let inputs = try await PlanInputsReader(api: api).read(comparison)
      let plan = RolloutPlanner(allowDowntime: allowDowntime).plan(environment: context.name, candidates: inputs.candidates, cluster: inputs.cluster)
      return Result(plan: plan, warnings: inputs.warnings)
    } catch {
      throw error.failure
    }
  }
}
