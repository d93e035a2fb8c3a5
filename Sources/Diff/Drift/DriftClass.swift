/// Why an object is not as its environment's last release left it.
public enum DriftClass: String, Sendable, Equatable, CaseIterable, Comparable {
  /// The live object differs from the last release: someone or something changed it.
  case drifted
  /// In the last release, gone from the cluster.
  case missing
  /// Tracked as this environment's, in neither the last release nor git: left behind.
  case orphaned
  /// Git moved ahead of the last release: the next apply changes this object. Not drift:
  /// the cluster did not move, git did.
  case pending

  /// Report order: what the cluster did first, what git will do last.
  var rank: Int {
    switch self {
    case .drifted: return 0
    case .missing: return 1
    case .orphaned: return 2
    case .pending: return 3
    }
  }

  public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}
