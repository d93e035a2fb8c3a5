public import Diff
public import Manifest

/// The webhook message of a drift check, and when to send one: only when what drifted differs
/// from the previous run (drift found, changed, or cleared), never on every run, so a CronJob
/// every five minutes does not page anyone every five minutes.
public enum DriftNotice {
  /// What the previous run saw, compared by its fingerprint: `clear` or the findings' lines.
  public static func fingerprint(_ report: DriftReport, includingPending: Bool) -> String {
    let lines = report.findings.filter { $0.driftClass != .pending || includingPending }.map { finding in
      "\(finding.driftClass.rawValue) \(finding.id) " + finding.fields.map { "\($0.path):\($0.change.rawValue):\($0.manager ?? "")" }.joined(separator: ",")
    }
    return lines.isEmpty ? "clear" : ManifestDigestText.sha256(lines.joined(separator: "\n"))
  }

  /// The message to post, or nil when nothing changed since the previous run. No previous
  /// run counts as in sync: the first run posts only if it finds drift.
  /// - Parameter note: said after the headline (`corrected as revision 4`).
  public static func message(_ report: DriftReport, previous: String?, includingPending: Bool, note: String? = nil) -> Value? {
    let now = fingerprint(report, includingPending: includingPending)
    guard now != (previous ?? "clear") else { return nil }
    let drift = report.findings.filter { $0.driftClass != .pending || includingPending }
    let against = report.revision.map { "revision \($0)" + (report.commit.map { " (commit \($0.prefix(12)))" } ?? "") } ?? "no release"
    var text: String
    if drift.isEmpty {
      text = ":white_check_mark: *\(report.environment)* is back in sync with \(against)"
    } else {
      let counts = [DriftClass.drifted, .missing, .orphaned, .pending].compactMap { c -> String? in
        let n = drift.filter { $0.driftClass == c }.count
        return n == 0 ? nil : "\(n) \(c.rawValue)"
      }.joined(separator: ", ")
      text = ":warning: drift in *\(report.environment)* against \(against): \(counts)"
      // Slack truncates long messages: the first 20 objects, then a count.
      for finding in drift.prefix(20) {
        let fields = finding.fields.map { "`\($0.path)`" + ($0.manager.map { " by \($0)" } ?? "") }.joined(separator: ", ")
        text += "\n• \(finding.driftClass.rawValue) \(finding.id)" + (fields.isEmpty ? "" : ": \(fields)")
      }
      if drift.count > 20 { text += "\n… and \(drift.count - 20) more" }
    }
    if let note { text += "\n(\(note))" }
    return [
      "text": .string(text), "environment": .string(report.environment), "state": .string(drift.isEmpty ? "clear" : "drift"),
      "revision": report.revision.map { .int(Int64($0)) } ?? .null, "note": note.map(Value.string) ?? .null,
      "drift": .array(drift.map(DriftJSONFormatter.object)),
    ]
  }
}
