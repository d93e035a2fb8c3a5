/// What one step of a Deployment's rollout does; the rollout repeats it until every pod is new.
public enum RolloutStep: Sendable, Hashable {
  /// Start this many new pods beside the old ones (into free GPUs), then remove as many old.
  case surge(Int)
  /// Remove this many old pods first and start their replacements on the GPUs they free.
  case inPlace(Int)
  /// A Deployment that does not run yet: start all its pods at once.
  case create(Int)
  /// Zero replicas: nothing to roll.
  case nothing
  /// No step is safe; the reason carries the numbers and what would unblock it.
  case blocked(String)

  /// New pods started per step (0 when blocked or nothing to do).
  public var pods: Int {
    switch self {
    case .surge(let n), .inPlace(let n), .create(let n): return n
    case .nothing, .blocked: return 0
    }
  }

  /// `surge 1`, `in place 2`, `create 2`, `none`, `blocked`.
  public var summary: String {
    switch self {
    case .surge(let n): return "surge \(n)"
    case .inPlace(let n): return "in place \(n)"
    case .create(let n): return "create \(n)"
    case .nothing: return "none"
    case .blocked: return "blocked"
    }
  }

  /// The name `-o json` uses.
  public var kind: String {
    switch self {
    case .surge: return "surge"
    case .inPlace: return "inPlace"
    case .create: return "create"
    case .nothing: return "none"
    case .blocked: return "blocked"
    }
  }
}
