public import Diff
public import Foundation
public import Kube
public import Manifest
public import Metrics
public import Rollout

/// One environment's drift run, everything that needs its cluster: check; with `correct`,
/// restore through the rollout and check again; read and save the state the webhook is sent
/// on. What goes out of the cluster (metrics, webhook) is the caller's, after.
public enum DriftRun {
  public struct Options: Sendable {
    public var correct: Bool
    public var includePending: Bool
    /// Read and save the previous run's fingerprint (a webhook is configured).
    public var trackState: Bool
    /// What the reports (and so the webhook message) call the environment: `ENV@CLUSTER` for
    /// one cluster of several, as the metrics do; nil: its name.
    public var label: String?

    public init(correct: Bool = false, includePending: Bool = false, trackState: Bool = false, label: String? = nil) {
      self.correct = correct
      self.includePending = includePending
      self.trackState = trackState
      self.label = label
    }
  }

  public struct Result: Sendable {
    /// What the check found first (before any correction).
    public var found: DriftReport
    /// After a correction, the check run again; else the same as `found`.
    public var final: DriftReport
    public var correction: ApplyOutcome?
    /// The webhook message to send (the state changed since the previous run), if tracking.
    public var notice: Value?
    /// Kinds of the last release's objects, for metrics.
    public var kinds: [String]
    public var warnings: [String]
  }

  public static func run(
    _ context: EnvironmentContext, api: any KubeAPI, options: Options, sharing: SharedListing? = nil,
    makeRunner: @Sendable () -> ReleaseRunner, now: @Sendable () -> Date
  ) async throws(ReleaseFailure) -> Result {
    // A correction writes: what was listed before it is no longer true for anyone.
    var first = try await DriftWorkflow.check(context, api: api, sharing: options.correct ? nil : sharing)
    if let label = options.label { first.report.environment = label }
    var final = first
    var outcome: ApplyOutcome?
    if options.correct, let correction = DriftWorkflow.correction(context, check: first, includePending: options.includePending) {
      outcome = try await DriftWorkflow.correct(context, correction, runner: makeRunner())
      final = try await DriftWorkflow.check(context, api: api)
      if let label = options.label { final.report.environment = label }
    }
    var warnings: [String] = []
    var notice: Value?
    if options.trackState {
      let namespace: String
      do {
        namespace = try DiffWorkflow.recordNamespace(context)
      } catch {
        throw error.failure
      }
      let store = DriftStateStore(api: api, namespace: namespace, environment: context.name)
      let found = DriftNotice.fingerprint(first.report, includingPending: options.includePending)
      // After a correction the cluster is back in sync: the next run compares with that.
      let saved = outcome == nil ? found : DriftNotice.fingerprint(final.report, includingPending: options.includePending)
      do {
        let previous = try await store.previous()
        if case .applied(let record, _)? = outcome {
          // New drift is news even when corrected at once; drift announced before and now
          // corrected is announced as cleared.
          notice = found != (previous ?? "clear")
            ? DriftNotice.message(first.report, previous: previous, includingPending: options.includePending, note: "corrected as revision \(record.revision)")
            : DriftNotice.message(final.report, previous: previous, includingPending: options.includePending, note: "corrected as revision \(record.revision)")
        } else {
          notice = DriftNotice.message(first.report, previous: previous, includingPending: options.includePending)
        }
        if saved != previous { try await store.save(fingerprint: saved, checkedAt: ISO8601DateFormatter().string(from: now())) }
      } catch {
        // Without the state every run looks like the first: say so rather than stay silent.
        warnings.append("drift state \(namespace)/\(store.name): \(error); the webhook is sent as if no run came before")
        notice = notice ?? DriftNotice.message(first.report, previous: nil, includingPending: options.includePending)
      }
    }
    let kinds = Set((first.release?.objects ?? []).compactMap(\.kind)).sorted()
    return Result(found: first.report, final: final.report, correction: outcome, notice: notice, kinds: kinds, warnings: warnings)
  }
}
