/// Exit codes of DESIGN.md; scripts and CronJobs branch on these.
public enum ReleaseExit: Int32, Sendable {
  case success = 0
  /// diff/drift: differences found.
  case differences = 1
  /// Bad input or usage: nothing was changed.
  case badInput = 2
  /// The rollout failed its health gates and was rolled back.
  case rolledBack = 3
  /// The rollout failed and so did the rollback: a person must look.
  case rollbackFailed = 4
  /// Blocked before any change (lock held, or no safe step).
  case blocked = 5
}

/// A command's failure with the message the user reads and the exit code it maps to.
public struct ReleaseFailure: Error, Sendable, CustomStringConvertible {
  public var exit: ReleaseExit
  public var message: String

  public init(exit: ReleaseExit, message: String) {
    self.exit = exit
    self.message = message
  }

  public var description: String { message }

  public static func badInput(_ message: String) -> ReleaseFailure {
    ReleaseFailure(exit: .badInput, message: message)
  }
}
