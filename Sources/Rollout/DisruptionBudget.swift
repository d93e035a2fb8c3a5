/// How many of a Deployment's pods may be down at once during its rollout: the stricter of
/// its PodDisruptionBudgets and its own strategy, less pods already unavailable. Both count:
/// the Deployment controller ignores PDBs, and a PDB says nothing of the rollout's pace.
///
/// A strategy of `maxUnavailable: 0` only says "surge instead": where no GPU is free for the
/// surge, `release` replaces in place as many pods as the strategy would have surged
/// (maxSurge), still within every PDB. Without that reading the common zero-downtime strategy
/// (maxSurge 1, maxUnavailable 0) could never roll on a full cluster, which is the case the
/// plan exists for.
public struct DisruptionBudget: Sendable, Hashable {
  /// One PDB's verdict for the Deployment's pods.
  public struct Limit: Sendable, Hashable {
    public var rule: PodDisruptionBudgetRule
    /// The pods the budget expects: the Deployment's replicas, as the disruption controller
    /// counts a PDB over one Deployment.
    public var expected: Int
    /// Covered pods that are ready and not terminating.
    public var healthy: Int

    public init(rule: PodDisruptionBudgetRule, expected: Int, healthy: Int) {
      self.rule = rule
      self.expected = expected
      self.healthy = healthy
    }

    public var desiredHealthy: Int { rule.desiredHealthy(expected: expected) }
    public var allowed: Int { max(0, healthy - desiredHealthy) }

    /// `PDB minAvailable 2 of 2 replicas` (and how many are already down); the name is
    /// printed beside it, where the plan lists the budget.
    public var summary: String {
      let down = max(0, expected - healthy)
      return "PDB \(rule.summary) of \(expected) replica\(expected == 1 ? "" : "s")"
        + (down > 0 ? ", \(down) already unavailable" : "")
    }

    /// What would let a pod go: the budget's own knob, or the pods it waits for.
    public var remedy: String {
      let down = max(0, expected - healthy)
      let knob: String
      switch rule.rule {
      case .minAvailable: knob = "lower minAvailable"
      case .maxUnavailable: knob = "raise maxUnavailable"
      case .allHealthy: knob = "set minAvailable or maxUnavailable on PDB \(rule.name)"
      }
      return down > 0 ? "wait until the \(down) unavailable pod\(down == 1 ? " is" : "s are") ready or \(knob)" : knob
    }
  }

  public var replicas: Int
  /// The Deployment's pods that are ready and not terminating.
  public var ready: Int
  public var strategy: RolloutStrategy
  public var pdbs: [Limit]

  public init(replicas: Int, ready: Int, strategy: RolloutStrategy, pdbs: [Limit]) {
    self.replicas = replicas
    self.ready = ready
    self.strategy = strategy
    self.pdbs = pdbs.sorted { ($0.allowed, $0.rule.name) < ($1.allowed, $1.rule.name) }
  }

  public var alreadyUnavailable: Int { max(0, replicas - ready) }

  /// Pods the strategy lets be down at once (maxUnavailable, or maxSurge where that is 0).
  public var strategyLimit: Int {
    let unavailable = strategy.unavailable(replicas: replicas)
    return unavailable > 0 ? unavailable : strategy.surge(replicas: replicas)
  }

  public var strategyAllowed: Int { max(0, strategyLimit - alreadyUnavailable) }

  /// The strictest PDB, if any covers the pods.
  public var strictest: Limit? { pdbs.first }

  /// Pods that may be taken down now for an in-place step.
  public var allowed: Int { min(replicas, strategyAllowed, strictest?.allowed ?? Int.max) }

  /// What the strictest PDB allows once the Deployment has scaled by `delta` replicas since
  /// the plan (an HPA): percentages and minAvailable are measured against the new count. The
  /// Deployment controller keeps `desired - maxUnavailable` pods available, so the delta moves
  /// the healthy count as it moves the expected one; pods of other workloads a PDB covers are
  /// left as counted. Nil without a PDB.
  public func pdbAllowed(afterScalingBy delta: Int) -> Int? {
    pdbs.map { limit in
      let expected = max(0, limit.expected + delta)
      return max(0, limit.healthy + delta - limit.rule.desiredHealthy(expected: expected))
    }.min()
  }

  /// Whether a PDB (rather than the strategy) is what limits the step.
  public var limitedByPDB: Bool { strictest.map { $0.allowed <= strategyAllowed } ?? false }

  /// What would allow an in-place step when none is allowed.
  public var remedy: String {
    if let pdb = strictest, limitedByPDB { return pdb.remedy }
    return alreadyUnavailable > 0 ? "wait until the \(alreadyUnavailable) unavailable pod(s) are ready or raise maxUnavailable" : "raise maxUnavailable"
  }

  /// What limits the step, as the plan prints it: `PDB minAvailable 2 of 2 replicas`.
  public var summary: String {
    if let pdb = strictest, limitedByPDB { return pdb.summary }
    var text = "Deployment \(strategy.summary)"
    if strategy.kind == .rollingUpdate && strategy.unavailable(replicas: replicas) == 0 {
      text += " (surges only: in place at most maxSurge)"
    }
    if alreadyUnavailable > 0 { text += ", \(alreadyUnavailable) already unavailable" }
    return text
  }
}
