public import Diff
public import Kube
public import Manifest

/// What an apply reports as it goes; the CLI prints these, tests collect them.
public enum ApplyEvent: Sendable {
  case warning(String)
  case interruptedReleaseSuperseded(revision: Int, startedAt: String, by: String)
  case locked(holder: String)
  case applied(ResourceID, ObjectDiff.Action)
  case tookOver(ResourceID, [Takeover])
  /// Fields people added by hand that git does not set, removed: (field, manager).
  case removedForeign(ResourceID, [(field: String, manager: String)])
  case waitingForCRD(ResourceID)
  case pruned(ResourceID)
  case notPruned([ResourceID])
  case progress(ResourceID, WorkloadProgress, elapsed: Duration)
  case rolledOut(ResourceID, elapsed: Duration)
  case recorded(revision: Int, status: ReleaseStatus)
  /// A rolling Deployment's plan as it starts: its step, how many, and the ETA.
  case rolloutStarted(ResourceID, RolloutStep, steps: Int, eta: Duration?)
  case rolloutProgress(ResourceID, RolloutProgress)
  /// A surge pod could not be placed; the rollout continues in place within the budget.
  case replanned(ResourceID, from: RolloutStep, to: RolloutStep, reason: String)
  case prePulling(images: [String], nodes: Int)
  case prePulled(images: [String], nodes: Int, elapsed: Duration)
  case baking(Duration, gates: [String])
  case baked(gates: [String])
  /// A gate in observe mode failed: reported, nothing rolled back.
  case gateObserved(GateFailure)
  case gateFailed(GateFailure)
  case rollingBack(toRevision: Int, because: GateFailure)
  case rolledBack(toRevision: Int)
}

/// Receives apply events. `Sendable` because the apply reports from concurrent tasks.
public protocol ApplyObserver: Sendable {
  func report(_ event: ApplyEvent) async
}

/// Keeps events in order, for tests and for callers that print afterwards.
public actor CollectingObserver: ApplyObserver {
  public private(set) var events: [ApplyEvent] = []
  public init() {}
  public func report(_ event: ApplyEvent) async { events.append(event) }
}
