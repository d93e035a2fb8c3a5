/// The kubelet's view of one pod's container: where it is in pull → run → crash/back-off,
/// and when its next transition is due.
struct PodRuntime: Sendable, Equatable {
  enum State: Sendable, Equatable {
    case pulling(until: SimInstant)
    case pullFailed(since: SimInstant)
    case running(since: SimInstant)
    case backOff(until: SimInstant)
  }

  var node: String
  var image: String
  var state: State
  var restartCount: Int64 = 0
  var readyAt: SimInstant?
  var crashAt: SimInstant?
  var crashReason = "Error"
  var exitCode: Int64 = 1
  var lastTermination: (reason: String, exitCode: Int64, at: SimInstant)?
  var stopAt: SimInstant?
  var podIP: String?
  var startTime: SimInstant

  static func == (a: Self, b: Self) -> Bool {
    a.node == b.node && a.image == b.image && a.state == b.state && a.restartCount == b.restartCount && a.readyAt == b.readyAt
      && a.crashAt == b.crashAt && a.stopAt == b.stopAt
  }
}
