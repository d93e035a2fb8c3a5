/// A release record's state, as Helm names its releases' states.
public enum ReleaseStatus: String, Sendable, Equatable, CaseIterable {
  /// Being applied; left so by an apply that was killed, until the next apply supersedes it.
  case pending
  /// The environment's current release.
  case deployed
  case failed
  /// Failed its health gates; the release before it was re-applied automatically.
  case rolledBack
  /// Replaced by a later release, or an interrupted apply that a later one took over.
  case superseded
}
