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
    do {
      let namespace = try DiffWorkflow.recordNamespace(context)
      let records = try await ReleaseRecordStore(api: api, namespace: namespace, environment: context.name).all()
      let last = records.first { $0.status == .deployed }?.objects ?? []
      let comparison = try await ClusterComparer(api: api).compare(environment: context.name, rendered: context.objects, lastApplied: last)
      let inputs = try await PlanInputsReader(api: api).read(comparison)
      let plan = RolloutPlanner(allowDowntime: allowDowntime).plan(environment: context.name, candidates: inputs.candidates, cluster: inputs.cluster)
      return Result(plan: plan, warnings: inputs.warnings)
    } catch let error as RolloutError {
      throw error.failure
    } catch let error as DiffError {
      throw error.failure
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
  }
}
