internal import Kube
public import Manifest

/// The plan becomes the Deployment's own rollingUpdate parameters: `surge n` is maxSurge n with
/// maxUnavailable 0, `in place n` is maxSurge 0 with maxUnavailable n. The Deployment
/// controller then performs the steps, so a killed `release` leaves a rollout that still
/// honours the budget; git's strategy is applied back when the rollout ends.
public enum RolloutSteering {
  /// The Deployment to apply while rolling: git's object with the step as its strategy.
  public static func steered(_ deployment: Value, step: RolloutStep) -> Value {
    let (surge, unavailable): (Int, Int)
    switch step {
    case .surge(let n): (surge, unavailable) = (n, 0)
    case .inPlace(let n): (surge, unavailable) = (0, n)
    case .create, .nothing, .blocked: return deployment
    }
    var object = deployment
    object[path: ["spec", "strategy"]] = [
      "type": "RollingUpdate",
      "rollingUpdate": ["maxSurge": .int(Int64(surge)), "maxUnavailable": .int(Int64(unavailable))],
    ]
    return object
  }

  /// Whether the strategy is one the rollout may steer (Recreate is left as git says).
  public static func canSteer(_ deployment: Value) -> Bool {
    let type = deployment[path: ["spec", "strategy", "type"]]?.stringValue ?? "RollingUpdate"
    return type == "RollingUpdate"
  }
}
