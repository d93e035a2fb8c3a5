public import EnvironmentRepo

/// How one `apply` behaves; from the command line and release.yaml.
public struct ApplySettings: Sendable {
  /// Delete tracked objects that are no longer rendered (after the rest is applied).
  public var prune: Bool
  /// Stop after the preflight and the summary: nothing is written.
  public var dryRun: Bool
  /// Where the release records and the lock live; nil: the environment's namespace.
  public var recordNamespace: String?
  /// Records kept per environment.
  public var historyMax: Int
  public var fieldManager: String
  /// How long the lock outlives a holder that stopped renewing it.
  public var lockDuration: Duration
  /// Health gates, what a failure leads to, frozen pins.
  public var rollout: RolloutConfig
  /// A single replica may be replaced in place (the service is down meanwhile).
  public var allowDowntime: Bool
  /// Roll out a version even if it was rolled back before.
  public var unfreeze: Bool
  /// Pull the new images onto the nodes before the first step (`--no-prepull` turns it off).
  public var prePull: Bool = true
  /// Set by `release rollback`: the revision whose objects this apply re-applies.
  public var rollbackTo: Int?
  /// Set by `release drift --correct`: the revision whose objects this apply restores.
  public var correctionOf: Int?

  public init(
    prune: Bool = false, dryRun: Bool = false, recordNamespace: String? = nil, historyMax: Int = 10,
    fieldManager: String = "release", lockDuration: Duration = .seconds(60), rollout: RolloutConfig = RolloutConfig(),
    allowDowntime: Bool = false, unfreeze: Bool = false
  ) {
    self.rollout = rollout
    self.allowDowntime = allowDowntime
    self.unfreeze = unfreeze
    self.prune = prune
    self.dryRun = dryRun
    self.recordNamespace = recordNamespace
    self.historyMax = historyMax
    self.fieldManager = fieldManager
    self.lockDuration = lockDuration
  }
}

/// Where an apply comes from, for its record.
public struct ReleaseSource: Sendable {
  public var commit: String?
  public var dirty: Bool
  /// user@host (pid N).
  public var appliedBy: String
  /// Whether another holder of the lock is known dead (a process of this host that is gone).
  public var holderIsGone: @Sendable (String) -> Bool

  public init(commit: String?, dirty: Bool, appliedBy: String, holderIsGone: @escaping @Sendable (String) -> Bool = { _ in false }) {
    self.commit = commit
    self.dirty = dirty
    self.appliedBy = appliedBy
    self.holderIsGone = holderIsGone
  }
}
