public import Manifest

/// The machine form of a change set. Schema (stable; documented in README, "Diff and apply"):
/// `{environment, summary: {create, update, prune, unchanged}, objects: [{apiVersion, kind,
/// namespace?, name, action, fields: [{path, change, old?, new?}]}]}`. Only changed objects are
/// listed; Secret values never appear (their fields carry no old/new).
public enum JSONDiffFormatter {
  public static func value(_ changes: ChangeSet) -> Value {
    var summary: Value = [:]
    for action in ObjectDiff.Action.allCases { summary[action.rawValue] = .int(Int64(changes.count(action))) }
    let objects: [Value] = changes.changed.map { object in
      var entry: Value = ["apiVersion": .string(object.id.gvk.apiVersion), "kind": .string(object.id.gvk.kind)]
      if let namespace = object.id.namespace { entry["namespace"] = .string(namespace) }
      entry["name"] = .string(object.id.name)
      entry["action"] = .string(object.action.rawValue)
      entry["fields"] = .array(object.fields.map { field in
        var item: Value = ["path": .string(field.path.description), "change": .string(field.kind.rawValue)]
        if let old = field.old { item["old"] = old }
        if let new = field.new { item["new"] = new }
        return item
      })
      return entry
    }
    return ["environment": .string(changes.environment), "summary": summary, "objects": .array(objects)]
  }

  public static func format(_ changes: ChangeSet) -> String { JSON.prettyString(value(changes)) + "\n" }
}
