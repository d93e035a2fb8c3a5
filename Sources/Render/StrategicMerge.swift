public import Manifest
import OrderedCollections

/// Strategic merge patch as kustomize and the API server apply it: maps merge recursively,
/// `null` deletes, lists merge by their merge key (containers by name, ports by
/// containerPort …) or are replaced, and `$patch: replace|delete|merge`,
/// `$deleteFromPrimitiveList/…`, `$retainKeys` and `$setElementOrder/…` directives apply.
public enum StrategicMerge {
  /// nil when the patch deletes the whole object (`$patch: delete` at the top level).
  public static func apply(_ patch: Value, to object: Value) throws(PatchError) -> Value? {
    guard case .object(let patchMap) = patch else { throw PatchError("a strategic merge patch must be a map") }
    guard case .object(let original) = object else { return clean(patch) }
    let kind = object.kind ?? patch.kind
    return try mergeMap(original, patchMap, kind: kind, path: []).map(Value.object)
  }

  static func mergeMap(
    _ original: OrderedDictionary<String, Value>, _ patch: OrderedDictionary<String, Value>, kind: String?,
    path: [String]
  ) throws(PatchError) -> OrderedDictionary<String, Value>? {
    if let directive = patch["$patch"] {
      switch directive.stringValue {
      case "delete": return nil
      case "replace":
        var replaced = patch
        replaced["$patch"] = nil
        return cleanMap(replaced)
      case "merge": break
      default: throw PatchError("\(pathText(path)): unknown $patch directive \(YAMLWriter.scalarText(directive))")
      }
    }
    var result = original
    for (key, patchValue) in patch {
      if key == "$patch" || key == "$retainKeys" || key.hasPrefix("$setElementOrder/") { continue }
      if key.hasPrefix("$deleteFromPrimitiveList/") {
        let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
        if let remove = patchValue.arrayValue, let items = result[field]?.arrayValue {
          result[field] = .array(items.filter { !remove.contains($0) })
        }
        continue
      }
      if patchValue.isNull {
        result[key] = nil
        continue
      }
      let childPath = path + [key]
      if let existing = result[key], let mine = nodeKind(existing), let theirs = nodeKind(patchValue), mine != theirs {
        // kustomize's merge walks both nodes as one kind and refuses a mismatch.
        throw PatchError("\(pathText(childPath)): wrong node kind: \(mine) in the object, \(theirs) in the patch")
      }
      switch (result[key], patchValue) {
      case (.object(let o)?, .object(let p)):
        if let merged = try mergeMap(o, p, kind: kind, path: childPath) {
          result[key] = .object(merged)
        } else {
          result[key] = nil
        }
      case (.array(let o)?, .array(let p)):
        result[key] = .array(try mergeList(o, p, kind: kind, path: childPath))
      case (_, .object(let p)):
        if p["$patch"]?.stringValue == "delete" {
          result[key] = nil
        } else {
          result[key] = clean(patchValue)
        }
      case (.string(let old)?, .int), (.string(let old)?, .float), (.string(let old)?, .bool):
        guard !ScalarResolver.canBePlain(old) else {
          result[key] = patchValue
          continue
        }
        // kyaml gives the patch's scalar the style of the one it replaces: over a quoted
        // "8192", a plain 16384 is written quoted too, so it is the string "16384".
        result[key] = .string(YAMLWriter.scalarText(patchValue))
      default:
        result[key] = clean(patchValue)
      }
    }
    if let retain = patch["$retainKeys"]?.arrayValue {
      let keep = Set(retain.compactMap(\.stringValue))
      result = result.filter { keep.contains($0.key) }
    }
    return result
  }

  static func mergeList(_ original: [Value], _ patch: [Value], kind: String?, path: [String]) throws(PatchError)
    -> [Value]
  {
    let strategy = PatchSchema.strategy(kind: kind, path: path)
    if patch.contains(where: { $0["$patch"]?.stringValue == "replace" && $0.objectValue?.count == 1 }) {
      return patch.filter { !($0["$patch"]?.stringValue == "replace" && $0.objectValue?.count == 1) }.map(clean)
    }
    switch strategy {
    case .replace:
      return patch.filter { $0["$patch"]?.stringValue != "delete" }.map(clean)
    case .mergeScalars:
      var result = original
      for item in patch where !result.contains(item) { result.append(item) }
      return result
    case .mergeByKey(let mergeKey):
      // Patch elements come first, in patch order, then the original elements the patch does
      // not mention, in their order (what kustomize prints).
      var patched: [Value] = []
      var mentioned: [Value] = []
      for item in patch {
        guard case .object(let patchItem) = item else {
          throw PatchError("\(pathText(path)): expected a map in a list merged by \(mergeKey), got \(item.typeDescription)")
        }
        guard let keyValue = patchItem[mergeKey] else {
          throw PatchError("\(pathText(path)): list element has no merge key \(mergeKey)")
        }
        mentioned.append(keyValue)
        if patchItem["$patch"]?.stringValue == "delete" { continue }
        if let existing = original.first(where: { $0[mergeKey] == keyValue }), case .object(let originalItem) = existing {
          if let merged = try mergeMap(originalItem, patchItem, kind: kind, path: path) { patched.append(.object(merged)) }
        } else {
          patched.append(clean(item))
        }
      }
      return patched + original.filter { item in !mentioned.contains { $0 == item[mergeKey] } }
    }
  }

  /// A value from a patch with its directives removed, for places with nothing to merge into.
  static func clean(_ value: Value) -> Value {
    switch value {
    case .object(let map): return .object(cleanMap(map))
    case .array(let items):
      return .array(items.filter { $0["$patch"]?.stringValue != "delete" }.map(clean))
    default: return value
    }
  }

  static func cleanMap(_ map: OrderedDictionary<String, Value>) -> OrderedDictionary<String, Value> {
    var result = OrderedDictionary<String, Value>()
    for (key, value) in map where !key.hasPrefix("$") {
      if value.isNull { continue }
      result[key] = clean(value)
    }
    return result
  }

  /// "a scalar", "a map" or "a list"; nil for null, which merges with any kind.
  static func nodeKind(_ value: Value) -> String? {
    switch value {
    case .null: return nil
    case .object: return "a map"
    case .array: return "a list"
    default: return "a scalar"
    }
  }

  static func pathText(_ path: [String]) -> String { path.isEmpty ? "(root)" : path.joined(separator: ".") }
}
