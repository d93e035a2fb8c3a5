public import Manifest
public import Rollout
internal import Diff
internal import Kube

/// `apply -o json`: each event as one JSON object per line, for CI systems and dashboards.
/// Every object has `event` and `elapsedSeconds` (on the cluster's clock: virtual on the embedded one).
public enum ApplyEventJSON {
  public static func value(_ event: ApplyEvent, elapsed: Duration) -> Value {
    var value: Value = ["event": .string(name(event)), "elapsedSeconds": .int(elapsed.components.seconds)]
    for (key, field) in fields(event) { value[key] = field }
    if let (text, isWarning) = ApplyEventText.line(event) {
      value["message"] = .string(text)
      if isWarning { value["warning"] = true }
    }
    return value
  }

  static func name(_ event: ApplyEvent) -> String {
    switch event {
    case .warning: return "warning"
    case .interruptedReleaseSuperseded: return "interruptedReleaseSuperseded"
    case .locked: return "locked"
    case .applied: return "applied"
    case .tookOver: return "tookOver"
    case .removedForeign: return "removedForeign"
    case .waitingForCRD: return "waitingForCRD"
    case .pruned: return "pruned"
    case .notPruned: return "notPruned"
    case .progress: return "progress"
    case .rolledOut: return "rolledOut"
    case .recorded: return "recorded"
    case .rolloutStarted: return "rolloutStarted"
    case .rolloutProgress: return "rolloutProgress"
    case .replanned: return "replanned"
    case .prePulling: return "prePulling"
    case .prePulled: return "prePulled"
    case .baking: return "baking"
    case .baked: return "baked"
    case .gateObserved: return "gateObserved"
    case .gateFailed: return "gateFailed"
    case .rollingBack: return "rollingBack"
    case .rolledBack: return "rolledBack"
    }
  }

  static func object(_ id: ResourceID) -> Value {
    ["apiVersion": .string(id.gvk.apiVersion), "kind": .string(id.gvk.kind), "namespace": id.namespace.map(Value.string) ?? .null, "name": .string(id.name)]
  }

  static func gate(_ failure: GateFailure) -> Value {
    ["gate": .string(failure.gate), "object": failure.workload.map(object) ?? .null, "evidence": .string(failure.evidence)]
  }

  static func step(_ step: RolloutStep) -> Value { ["kind": .string(step.kind), "pods": .int(Int64(step.pods))] }

  static func fields(_ event: ApplyEvent) -> [(String, Value)] {
    switch event {
    case .applied(let id, let action): return [("object", object(id)), ("action", .string(action.rawValue))]
    case .tookOver(let id, _), .waitingForCRD(let id), .pruned(let id): return [("object", object(id))]
    case .removedForeign(let id, _): return [("object", object(id))]
    case .notPruned(let ids): return [("objects", .array(ids.map(object)))]
    case .rolledOut(let id, _): return [("object", object(id))]
    case .recorded(let revision, let status): return [("revision", .int(Int64(revision))), ("status", .string(status.rawValue))]
    case .rolloutStarted(let id, let s, let steps, let eta):
      return [("object", object(id)), ("step", step(s)), ("steps", .int(Int64(steps))), ("etaSeconds", eta.map { .int($0.components.seconds) } ?? .null)]
    case .rolloutProgress(let id, let progress):
      return [
        ("object", object(id)), ("stepsDone", .int(Int64(progress.stepsDone))), ("steps", .int(Int64(progress.steps))),
        ("newReady", .int(Int64(progress.newReady))), ("desired", .int(Int64(progress.desired))), ("available", .int(Int64(progress.available))),
        ("etaSeconds", progress.eta.map { .int($0.components.seconds) } ?? .null),
        ("pods", .array(progress.pods.map { pod in
          ["name": .string(pod.name), "phase": .string(pod.phase), "loadingSeconds": pod.loadingSeconds.map { .int(Int64($0)) } ?? .null]
        })),
      ]
    case .replanned(let id, let from, let to, let reason):
      return [("object", object(id)), ("from", step(from)), ("to", step(to)), ("reason", .string(reason))]
    case .prePulling(let images, let nodes): return [("images", .array(images.map(Value.string))), ("nodes", .int(Int64(nodes)))]
    case .prePulled(let images, let nodes, _): return [("images", .array(images.map(Value.string))), ("nodes", .int(Int64(nodes)))]
    case .baking(let bake, let gates): return [("bakeSeconds", .int(bake.components.seconds)), ("gates", .array(gates.map(Value.string)))]
    case .baked(let gates): return [("gates", .array(gates.map(Value.string)))]
    case .gateObserved(let failure), .gateFailed(let failure): return [("failure", gate(failure))]
    case .rollingBack(let revision, let failure): return [("toRevision", .int(Int64(revision))), ("failure", gate(failure))]
    case .rolledBack(let revision): return [("toRevision", .int(Int64(revision)))]
    case .warning, .interruptedReleaseSuperseded, .locked, .progress: return []
    }
  }
}
