public import Diff
public import Kube
public import Manifest

/// Why an apply stopped, each case mapping to one of DESIGN's exit codes.
public enum RolloutError: Error, Sendable, CustomStringConvertible {
  /// The comparison failed or the server refused an object in the dry run (exit 2).
  case preflight(DiffError)
  /// The record of this apply would not fit in one Kubernetes object (exit 2).
  case recordTooLarge(environment: String, bytes: Int, limit: Int, objects: Int)
  case corruptRecord(name: String, reason: String)
  /// Another apply holds the environment's lock (exit 5).
  case locked(environment: String, holder: String, since: String)
  /// The record namespace does not exist and the environment does not create it (exit 2).
  case missingRecordNamespace(String)
  /// A read or write of the cluster failed before anything was applied (exit 2).
  case api(KubeError, doing: String)
  /// Objects were applied and then something failed: the cluster is part-way (exit 4).
  case applyFailed(id: ResourceID, error: KubeError, applied: [ResourceID])
  /// The workloads did not finish rolling out (exit 4 until automatic rollback exists).
  case rolloutFailed(reasons: [String])
  /// A gate failed and the environment was left as the rollout left it (`onFailure: stop`, or
  /// no earlier release to go back to) (exit 4).
  case gateFailed(GateFailure)
  /// A gate failed and the last good release was re-applied and is healthy (exit 3).
  case rolledBack(GateFailure, failedRevision: Int, toRevision: Int)
  /// A gate failed and so did the rollback to the last good release (exit 4).
  case rollbackFailed(GateFailure, toRevision: Int, reason: String)
  /// `release rollback` has no release to go back to (exit 2).
  case noRollbackTarget(environment: String, reason: String)
  /// The version git asks for was rolled back before and its pins are frozen (exit 5).
  case frozen(reasons: [String])
  /// GPU capacity and disruption budgets leave a Deployment no safe step; found before any
  /// change (exit 5). One reason per blocked Deployment, with the numbers.
  case blocked(reasons: [String])

  public var description: String {
    switch self {
    case .preflight(let error): return "\(error)"
    case .recordTooLarge(let environment, let bytes, let limit, let objects):
      return "the release record of \(environment) (\(objects) objects) would be \(bytes) bytes compressed, over the "
        + "\(limit)-byte Kubernetes object limit; records are not split, so nothing was applied: render fewer or smaller "
        + "objects per environment (split it into several environments)"
    case .corruptRecord(let name, let reason): return "release record Secret \(name): \(reason)"
    case .locked(let environment, let holder, let since):
      return "environment \(environment) is locked by \(holder) since \(since): another apply is running; "
        + "try again when it ends (a lock whose holder died expires by itself)"
    case .missingRecordNamespace(let namespace):
      return "release records go to namespace \(namespace), which does not exist and is not rendered by the environment; "
        + "create it or set records.namespace in release.yaml"
    case .api(let error, let doing): return "\(doing): \(error)"
    case .applyFailed(let id, let error, let applied):
      let done = applied.isEmpty ? "nothing was applied" : "\(applied.count) object(s) were applied before it: "
        + applied.map(\.description).joined(separator: ", ")
      return "applying \(id) failed: \(error); \(done). The cluster is part-way: fix the cause and apply again"
    case .rolloutFailed(let reasons):
      return "rollout did not complete: " + reasons.joined(separator: "; ")
        + ". No automatic rollback yet: inspect with `release status` and `kubectl rollout undo`, or apply a fixed commit"
    case .gateFailed(let failure):
      return "rollout did not complete: \(failure). The environment is left as the rollout left it: "
        + "inspect with `release status`, then apply a fixed commit or `release rollback`"
    case .rolledBack(let failure, let failed, let to):
      return "\(failure); rolled back automatically: revision \(failed) failed, revision \(to) is serving again"
    case .rollbackFailed(let failure, let to, let reason):
      return "\(failure); the automatic rollback to revision \(to) failed too: \(reason). "
        + "The environment is part-way: inspect with `release status` and `kubectl get pods`"
    case .noRollbackTarget(let environment, let reason):
      return "cannot roll back \(environment): \(reason); `release history \(environment)` lists its releases"
    case .frozen(let reasons):
      return "refusing a version that was rolled back, nothing was changed: " + reasons.joined(separator: "; ")
    case .blocked(let reasons):
      return "no safe rollout step, nothing was changed: " + reasons.joined(separator: "; ")
    }
  }
}
