public import Manifest

/// The machine form of drift reports. Schema (stable; documented in README, "Drift"):
/// `{drift, environments: [{environment, revision?, commit?, checked, inSync, summary: {drifted,
/// missing, orphaned, pending}, objects: [{class, apiVersion, kind, namespace?, name, action?,
/// managers, fields: [{path, change, released?, live?|git?, manager?}]}], error?}]}`.
/// Secret data fields carry no values.
public enum DriftJSONFormatter {
  public static func value(_ report: DriftReport, includingPending: Bool) -> Value {
    var summary: Value = [:]
    for driftClass in DriftClass.allCases { summary[driftClass.rawValue] = .int(Int64(report.findings(driftClass).count)) }
    var entry: Value = ["environment": .string(report.environment)]
    if let revision = report.revision { entry["revision"] = .int(Int64(revision)) }
    if let commit = report.commit { entry["commit"] = .string(commit) }
    entry["checked"] = .int(Int64(report.checked))
    entry["inSync"] = .bool(!report.hasDrift(includingPending: includingPending))
    entry["summary"] = summary
    entry["objects"] = .array(report.findings.map(object))
    return entry
  }

  public static func object(_ finding: DriftFinding) -> Value {
    var entry: Value = [
      "class": .string(finding.driftClass.rawValue), "apiVersion": .string(finding.id.gvk.apiVersion), "kind": .string(finding.id.gvk.kind),
    ]
    if let namespace = finding.id.namespace { entry["namespace"] = .string(namespace) }
    entry["name"] = .string(finding.id.name)
    if let action = finding.pendingAction { entry["action"] = .string(action) }
    entry["managers"] = .array(finding.managers.map(Value.string))
    let currentKey = finding.driftClass == .pending ? "git" : "live"
    entry["fields"] = .array(finding.fields.map { field in
      var item: Value = ["path": .string(field.path.description), "change": .string(field.change.rawValue)]
      if let released = field.released { item["released"] = released }
      if let current = field.current { item[currentKey] = current }
      if let manager = field.manager { item["manager"] = .string(manager) }
      return item
    })
    return entry
  }

  /// A failed check, in the same list as the reports.
  public static func failure(environment: String, message: String) -> Value {
    ["environment": .string(environment), "inSync": .bool(false), "error": .string(message)]
  }

  public static func document(_ entries: [Value], drift: Bool) -> String {
    JSON.prettyString(["drift": .bool(drift), "environments": .array(entries)]) + "\n"
  }
}
