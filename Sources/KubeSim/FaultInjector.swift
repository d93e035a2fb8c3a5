import Kube

/// Fails a share of API requests as the scenario asks (per verb: rate and status code), from
/// its own seeded generator so the same seed fails the same requests.
struct FaultInjector: Sendable {
  var rules: [Scenario.Fault]
  var rng: SplitMix64

  mutating func check(_ verb: String) throws(KubeError) {
    for rule in rules where (rule.verb == verb || rule.verb == "*") && rule.disconnectAfterEvents == nil {
      guard rng.nextUnit() < rule.rate else { continue }
      switch rule.code {
      case 429: throw KubeError.tooManyRequests("injected fault: too many requests", retryAfterSeconds: rule.retryAfterSeconds ?? 1)
      case 409: throw KubeError.status(Status(code: 409, reason: .conflict, message: "injected fault: the object has been modified; please apply your changes to the latest version and try again"))
      case 410: throw KubeError.gone("injected fault: too old resource version")
      case 500: throw KubeError.internalError("injected fault: internal error")
      default: throw KubeError.status(Status(code: rule.code, reason: .serviceUnavailable, message: "injected fault: service unavailable"))
      }
    }
  }

  /// How many events a new watch may deliver before it is cut, if a disconnect rule draws it.
  mutating func watchEventLimit() -> Int? {
    for rule in rules where rule.verb == "watch" {
      guard let limit = rule.disconnectAfterEvents, rng.nextUnit() < rule.rate else { continue }
      return limit
    }
    return nil
  }
}
