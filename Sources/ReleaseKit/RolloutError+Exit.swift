public import Diff
public import Rollout

extension RolloutError {
  /// DESIGN's exit codes: bad input and refused dry runs 2, a held lock or no safe rollout
  /// step 5, a cluster left part-way 4.
  public var failure: ReleaseFailure {
    switch self {
    case .preflight, .recordTooLarge, .corruptRecord, .missingRecordNamespace, .api, .noRollbackTarget:
      return ReleaseFailure(exit: .badInput, message: description)
    case .locked, .blocked, .frozen:
      return ReleaseFailure(exit: .blocked, message: description)
    case .rolledBack:
      return ReleaseFailure(exit: .rolledBack, message: description)
    case .applyFailed, .rolloutFailed, .gateFailed, .rollbackFailed:
      return ReleaseFailure(exit: .rollbackFailed, message: description)
    }
  }
}

extension DiffError {
  public var failure: ReleaseFailure { ReleaseFailure(exit: .badInput, message: description) }
}
