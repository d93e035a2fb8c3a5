internal import Manifest

/// Drift as people read it: a headline per environment, then one block per object naming the
/// class, each field with the release's and the current value, and who changed it.
public enum DriftTextFormatter {
  public static func format(_ report: DriftReport, includingPending: Bool) -> String {
    var out = headline(report, includingPending: includingPending) + "\n"
    for finding in report.findings {
      out += "  " + line(finding) + "\n"
      for field in finding.fields { out += "    " + fieldLine(field, pending: finding.driftClass == .pending) + "\n" }
    }
    return out
  }

  public static func headline(_ report: DriftReport, includingPending: Bool) -> String {
    let against = report.revision.map { "revision \($0)" + (report.commit.map { " (commit \($0.prefix(12)))" } ?? "") } ?? "no release yet"
    let counts = [DriftClass.drifted, .missing, .orphaned].map { "\(report.findings($0).count) \($0.rawValue)" }.joined(separator: ", ")
    let state = report.hasDrift(includingPending: includingPending) ? "drift" : "in sync"
    return "\(report.environment): \(state) against \(against): \(counts); \(report.findings(.pending).count) pending in git"
  }

  static func line(_ finding: DriftFinding) -> String {
    switch finding.driftClass {
    case .drifted:
      return "drifted \(finding.id)" + (finding.managers.isEmpty ? "" : " (changed by \(finding.managers.joined(separator: ", ")))")
    case .missing:
      return "missing \(finding.id) (deleted from the cluster)"
    case .orphaned:
      return "orphaned \(finding.id) (tracked, in neither the last release nor git"
        + (finding.managers.isEmpty ? ")" : "; written by \(finding.managers.joined(separator: ", ")))")
    case .pending:
      return "pending \(finding.pendingAction ?? "update") \(finding.id) (git is ahead of the release)"
    }
  }

  static func fieldLine(_ field: DriftField, pending: Bool) -> String {
    let now = pending ? "git" : "live"
    var text = "\(field.path): "
    switch (field.released, field.current) {
    case (nil, nil): text += field.change.rawValue
    case (let released?, nil): text += "\(show(released)) -> (\(field.change == .removed ? "removed" : "unset"))"
    case (nil, let current?): text += "(unset) -> \(show(current)) (\(field.change.rawValue) \(pending ? "in git" : "live"))"
    case (let released?, let current?): text += "\(show(released)) -> \(show(current))"
    }
    if field.released != nil || field.current != nil { text += " [release -> \(now)]" }
    if let manager = field.manager { text += " by \(manager)" }
    return text
  }

  static func show(_ value: Value) -> String {
    if let text = value.stringValue { return text }
    return JSON.string(value)
  }
}
