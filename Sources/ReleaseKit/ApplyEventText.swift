public import Rollout
internal import Diff
internal import Kube
internal import Foundation
public import Manifest

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
    case .rolloutStarted(let id, let step, let steps, let eta):
      let timing = eta.map { ", ETA \(duration($0))" } ?? ""
      return ("\(name(id)): rolling out, \(step.summary) per step, \(steps) step\(steps == 1 ? "" : "s")\(timing)", false)
    case .rolloutProgress(let id, let progress):
      let pods = progress.pods.map { pod in
        let loading = pod.loadingSeconds.map { seconds in " \(seconds)/\(pod.windowSeconds.map(String.init) ?? "?")s" } ?? ""
        return "\(pod.name) \(pod.phase)\(loading)"
      }.joined(separator: ", ")
      let eta = progress.eta.map { ", ETA \(duration($0))" } ?? ""
      return ("\(name(id)): step \(min(progress.stepsDone + 1, progress.steps))/\(progress.steps), \(progress.newReady)/\(progress.desired) new ready, "
        + "\(progress.available) available, \(progress.oldPods) old\(eta)\(pods.isEmpty ? "" : " [\(pods)]")", false)
    case .replanned(let id, let from, let to, let reason):
      return ("\(name(id)): \(reason); switching from \(from.summary) to \(to.summary) per step within the disruption budget", true)
    case .prePulling(let images, let nodes):
      return ("pre-pulling \(images.joined(separator: ", ")) on \(nodes) node\(nodes == 1 ? "" : "s") before the first step", false)
    case .prePulled(_, let nodes, let elapsed):
      return ("pre-pulled on \(nodes) node\(nodes == 1 ? "" : "s") in \(duration(elapsed)): each step now waits for the model only", false)
    case .baking(let bake, let gates):
      return ("baking for \(duration(bake))" + (gates.isEmpty ? " (pod health only)" : ": gates \(gates.joined(separator: ", ")) must hold"), false)
    case .baked(let gates):
      return (gates.isEmpty ? "bake passed" : "bake passed: \(gates.joined(separator: ", ")) held", false)
    case .gateObserved(let failure):
      return ("observe-only \(failure) (not acted on: the gate is in observe mode)", true)
    case .gateFailed(let failure): return ("\(failure)", true)
    case .rollingBack(let revision, let failure):
      return ("\(failure.gate) failed: rolling back to revision \(revision)", true)
    case .rolledBack(let revision): return ("rolled back: revision \(revision) is serving again", true)
    }
  }

  static func name(_ id: ResourceID) -> String { "\(id.gvk.kind.lowercased())/\(id.name)" }

  /// `4m30s`, `45s`.
  public static func duration(_ d: Duration) -> String {
    let seconds = max(0, Int(d.components.seconds))
    return seconds >= 60 ? "\(seconds / 60)m\(String(format: "%02d", seconds % 60))s" : "\(seconds)s"
  }
}
