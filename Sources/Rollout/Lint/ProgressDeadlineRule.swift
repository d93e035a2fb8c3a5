internal import Diff
internal import Manifest

/// A progress deadline a healthy pod cannot meet: pulling and loading take longer.
public struct ProgressDeadlineRule: LintRule {
  public let id = "progress-deadline"
  public let severity = LintSeverity.error
  public let summary = "progressDeadlineSeconds shorter than the image pull allowance plus the readiness window"

  /// The Deployment controller's default.
  static let defaultDeadline: Int64 = 600

  public init() {}

  public func check(_ input: LintInput) -> [LintFinding] {
    input.workloads.filter(\.isDeployment).compactMap { deployment -> LintFinding? in
      let written = deployment.object[path: ["spec", "progressDeadlineSeconds"]]?.intValue
      let deadline = written ?? Self.defaultDeadline
      let pull = input.settings.imagePullAllowance.components.seconds
      let window = ReadinessWindow.of(podTemplate: deployment.template)?.components.seconds ?? 0
      let needed = pull + window
      guard deadline < needed else { return nil }
      let probe =
        window > 0 ? "readiness window \(window) s (initialDelaySeconds + periodSeconds × failureThreshold)" : "no readiness window"
      return finding(
        deployment.id, FieldPath([.key("spec"), .key("progressDeadlineSeconds")]),
        message: "progressDeadlineSeconds \(deadline)\(written == nil ? " (the default)" : "") is shorter than image pull "
          + "(\(pull) s allowed) + \(probe) = \(needed) s",
        why: "the Deployment controller marks a rollout failed (ProgressDeadlineExceeded) when no new pod becomes ready within the "
          + "deadline; a pod still pulling its image and loading its model makes no progress that long, so a healthy version is "
          + "reported failed and rolled back",
        fix: "set spec.progressDeadlineSeconds to at least \(needed), with slack for a slow pull (e.g. \(Self.roundUp(needed * 3 / 2)))")
    }
  }

  /// Up to the next whole minute, as people write deadlines.
  static func roundUp(_ seconds: Int64) -> Int64 { (seconds + 59) / 60 * 60 }
}
