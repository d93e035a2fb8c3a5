internal import Diff
public import Manifest
public import Rollout

/// `release lint`'s output: a block per finding for a person, or one JSON document.
public enum LintReportFormat {
  public static func text(_ report: LintReport, cluster: String?) -> String {
    var head = "lint for \(report.environment)" + (cluster.map { " on \($0)" } ?? "") + ": "
    if report.findings.isEmpty {
      head += "no findings (\(count(report.rules.count, "rule")) run)"
    } else {
      head += [count(report.errors.count, "error"), count(report.warnings.count, "warning")].joined(separator: ", ")
    }
    var lines = [head]
    for finding in report.findings {
      lines.append("")
      lines.append("\(finding.severity.rawValue) [\(finding.rule)] \(finding.object)")
      lines += TextTable.render([
        ["field:", finding.field.description],
        ["what:", finding.message],
        ["why:", finding.why],
        ["fix:", finding.fix],
      ]).map { "  " + $0 }
    }
    if !report.skipped.isEmpty || !report.notes.isEmpty { lines.append("") }
    for skip in report.skipped { lines.append("skipped [\(skip.rule)]: \(skip.reason)") }
    for note in report.notes { lines.append("note: \(note)") }
    return lines.joined(separator: "\n") + "\n"
  }

  public static func json(_ report: LintReport, cluster: String?) -> Value {
    [
      "environment": .string(report.environment), "cluster": cluster.map(Value.string) ?? .null,
      "errors": .int(Int64(report.errors.count)), "warnings": .int(Int64(report.warnings.count)),
      "findings": .array(report.findings.map(json)),
      "skipped": .array(report.skipped.map { ["rule": .string($0.rule), "reason": .string($0.reason)] }),
      "notes": .array(report.notes.map(Value.string)),
      "rules": .array(report.rules.map(Value.string)),
    ]
  }

  static func json(_ finding: LintFinding) -> Value {
    let id = finding.object
    return [
      "rule": .string(finding.rule), "severity": .string(finding.severity.rawValue),
      "object": [
        "apiVersion": .string(id.gvk.apiVersion), "kind": .string(id.gvk.kind),
        "namespace": id.namespace.map(Value.string) ?? .null, "name": .string(id.name),
      ],
      "objectText": .string(id.description), "field": .string(finding.field.description),
      "message": .string(finding.message), "why": .string(finding.why), "fix": .string(finding.fix),
    ]
  }

  /// `1 error`, `2 warnings`, `0 errors`.
  static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
