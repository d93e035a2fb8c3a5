public import Rollout
internal import Diff
internal import Kube

/// The line a person reads for each apply event; nil for events not worth a line.
public enum ApplyEventText {
  public static func line(_ event: ApplyEvent) -> (text: String, isWarning: Bool)? {
    switch event {
    case .warning(let message): return ("warning: \(message)", true)
    case .interruptedReleaseSuperseded(let revision, let startedAt, let by):
      return ("warning: revision \(revision), started \(startedAt) by \(by), never finished (its apply was interrupted); "
        + "marked superseded", true)
    case .locked(let holder): return ("locked by \(holder)", true)
    case .applied(let id, let action):
      return action == .unchanged ? nil : ("\(action == .create ? "created" : "configured") \(id)", false)
    case .tookOver(let id, let takeovers):
      let fields = takeovers.map { "\($0.field) from \($0.manager)" }.joined(separator: ", ")
      return ("took over \(id): \(fields) (git wins)", false)
    case .removedForeign(let id, let fields):
      return ("removed from \(id) what git does not set: " + fields.map { "\($0.field) (set by \($0.manager))" }.joined(separator: ", "), false)
    case .waitingForCRD(let id): return ("waiting for \(id) to be established", false)
    case .pruned(let id): return ("pruned \(id)", false)
    case .notPruned(let ids):
      return ("not pruned (tracked, no longer rendered; apply with --prune to delete): "
        + ids.map(\.description).joined(separator: ", "), false)
    case .progress(let id, let progress, let elapsed):
      return ("\(id.gvk.kind.lowercased())/\(id.name): \(progress.message); \(progress.ready)/\(progress.desired) ready "
        + "(\(elapsed.components.seconds)s)", false)
    case .rolledOut(let id, let elapsed):
      return ("\(id.gvk.kind.lowercased())/\(id.name): rolled out (\(elapsed.components.seconds)s)", false)
    case .recorded(let revision, let status): return ("release revision \(revision): \(status.rawValue)", false)
    }
  }
}
