public import Kube
public import Rollout

/// `release history`: the environment's release records, newest first.
public enum HistoryWorkflow {
  public static func records(_ context: EnvironmentContext, api: any KubeAPI) async throws(ReleaseFailure) -> [ReleaseRecord] {
    do {
      let namespace = try DiffWorkflow.recordNamespace(context)
      return try await ReleaseRecordStore(api: api, namespace: namespace, environment: context.name).all()
    } catch {
      throw error.failure
    }
  }
}
