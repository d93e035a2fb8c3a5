public import Kube
public import Manifest

/// LISTs shared by the read-only checks of several environments on one cluster (`release
/// drift --all`): each kind and namespace is listed once per run, not once per environment,
/// and the per-environment "what is tracked as mine" LISTs become one LIST per kind of
/// everything any environment tracks, filtered here.
///
/// Only for reads at one moment: nothing may write to the cluster between the checks that
/// share it (a `--correct` run does not use it).
public actor SharedListing {
  private var lists: [LiveReader.Scope: Task<[Value], any Error>] = [:]
  /// How many LISTs (scopes, pages joined) reached the API server: what sharing saves.
  public private(set) var listed = 0

  public init() {}

  /// The scope's objects, from the one LIST of the broader scope that covers it.
  func objects(of scope: LiveReader.Scope, reader: LiveReader) async throws(KubeError) -> [Value] {
    let (shared, keep) = Self.covering(scope)
    let task: Task<[Value], any Error>
    if let known = lists[shared] {
      task = known
    } else {
      listed += 1
      task = Task { try await reader.listAll(shared) }
      lists[shared] = task
    }
    do {
      return try await task.value.filter(keep)
    } catch let error as KubeError {
      throw error
    } catch {
      throw KubeError.transport("\(error)")
    }
  }

  /// A tracked-objects scope (`release.dev/environment=ENV`, minus namespaces listed whole)
  /// widens to every object carrying the label at all; the filter narrows it back exactly.
  static func covering(_ scope: LiveReader.Scope) -> (LiveReader.Scope, @Sendable (Value) -> Bool) {
    let skip = "metadata.namespace!="
    let terms = (scope.fieldSelector ?? "").split(separator: ",")
    guard let selector = scope.labelSelector, selector.hasPrefix(TrackingLabel.key + "="), !selector.contains(","),
      scope.namespace == nil, terms.allSatisfy({ $0.hasPrefix(skip) })
    else { return (scope, { _ in true }) }
    let environment = String(selector.dropFirst(TrackingLabel.key.count + 1))
    let skipped = Set(terms.map { String($0.dropFirst(skip.count)) })
    let wide = LiveReader.Scope(gvk: scope.gvk, namespace: nil, labelSelector: TrackingLabel.key)
    return (wide, { object in
      TrackingLabel.environment(of: object) == environment && !skipped.contains(object.namespace ?? "")
    })
  }
}
