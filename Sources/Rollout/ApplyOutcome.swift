public import Diff

/// How an apply ended when it did not throw.
public enum ApplyOutcome: Sendable {
  /// `--dry-run`: the preflight passed; nothing was written.
  case dryRun(ChangeSet)
  /// The user said no at the prompt; nothing was written.
  case declined(ChangeSet)
  case applied(ReleaseRecord, ChangeSet)
}
