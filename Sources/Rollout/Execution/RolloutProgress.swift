/// Where one Deployment's rollout stands, as the live view and progress lines show it.
public struct RolloutProgress: Sendable, Equatable {
  public struct Pod: Sendable, Equatable {
    public var name: String
    /// `Pending(Unschedulable)`, `pulling`, `loading`, `Ready`, `CrashLoopBackOff` …
    public var phase: String
    /// Seconds since its container started, while it loads (nil otherwise).
    public var loadingSeconds: Int?
    /// The readiness window it is loading against, in seconds.
    public var windowSeconds: Int?

    public init(name: String, phase: String, loadingSeconds: Int? = nil, windowSeconds: Int? = nil) {
      self.name = name
      self.phase = phase
      self.loadingSeconds = loadingSeconds
      self.windowSeconds = windowSeconds
    }
  }

  public var desired: Int
  /// Pods of the new revision that are ready.
  public var newReady: Int
  public var available: Int
  public var oldPods: Int
  public var stepsDone: Int
  public var steps: Int
  /// The new revision's pods.
  public var pods: [Pod]
  public var eta: Duration?

  public init(desired: Int, newReady: Int, available: Int, oldPods: Int, stepsDone: Int, steps: Int, pods: [Pod], eta: Duration?) {
    self.desired = desired
    self.newReady = newReady
    self.available = available
    self.oldPods = oldPods
    self.stepsDone = stepsDone
    self.steps = steps
    self.pods = pods
    self.eta = eta
  }

  /// The same state apart from the clocks that tick every poll: a change worth printing.
  func sameState(as other: RolloutProgress) -> Bool {
    desired == other.desired && newReady == other.newReady && available == other.available && oldPods == other.oldPods
      && stepsDone == other.stepsDone && steps == other.steps && pods.map { [$0.name, $0.phase] } == other.pods.map { [$0.name, $0.phase] }
  }
}
