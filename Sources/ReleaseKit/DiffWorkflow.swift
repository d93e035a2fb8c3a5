public import Diff
public import Kube
internal import Manifest
public import Rollout

/// `release diff`: the change set between git and the cluster, computed read-only.
public enum DiffWorkflow {
  public static func changes(_ context: EnvironmentContext, api: any KubeAPI) async throws(ReleaseFailure) -> ChangeSet {
    try await comparison(context, api: api).changeSet
  }

  /// The environment compared with its cluster, against the fields its last deployed release set.
  public static func comparison(_ context: EnvironmentContext, api: any KubeAPI) async throws(ReleaseFailure) -> ClusterComparer.Result {
    do {
      let namespace = try recordNamespace(context)
      let records = try await ReleaseRecordStore(api: api, namespace: namespace, environment: context.name).all()
      let last = records.first { $0.status == .deployed }?.objects ?? []
      return try await ClusterComparer(api: api).compare(environment: context.name, rendered: context.objects, lastApplied: last)
    } catch let error as RolloutError {
      throw error.failure
    } catch let error as DiffError {
      throw error.failure
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
  }

  public static func recordNamespace(_ context: EnvironmentContext) throws(RolloutError) -> String {
    try ReleaseRunner.recordNamespace(context.config.records.namespace, rendered: context.objects)
  }

  /// Several clusters' diffs: each headed by its cluster (text, Markdown), or one JSON array
  /// of the one-cluster documents, each with its `cluster`.
  public static func format(clusters: [(heading: String, name: String, changes: ChangeSet)], as format: DiffFormat, colour: Bool) -> String {
    switch format {
    case .json:
      return JSON.prettyString(.array(clusters.map { cluster in
        var value = JSONDiffFormatter.value(cluster.changes)
        value["cluster"] = .string(cluster.name)
        return value
      })) + "\n"
    case .markdown:
      return clusters.map { "### \($0.heading)\n\n" + Self.format($0.changes, as: .markdown, colour: colour) }.joined(separator: "\n")
    case .text:
      return clusters.map { "── \($0.heading)\n" + Self.format($0.changes, as: .text, colour: colour) }.joined()
    }
  }

  public static func format(_ changes: ChangeSet, as format: DiffFormat, colour: Bool) -> String {
    switch format {
    case .text: return TextDiffFormatter(colour: colour).format(changes)
    case .json: return JSONDiffFormatter.format(changes)
    case .markdown: return MarkdownDiffFormatter.format(changes)
    }
  }
}
