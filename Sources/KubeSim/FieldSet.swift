public import Manifest
internal import OrderedCollections
internal import Render

/// The fields an object sets, in the `fieldsV1` form of managedFields: `f:<name>` for map
/// keys, `k:{"name":"vllm"}` for elements of lists merged by key, `v:<json>` for set
/// elements, `.` for an element itself. Server-side apply tracks ownership with these sets.
public enum FieldSet {
  /// Server-owned metadata that no manager owns.
  static let unmanaged: Set<String> = [
    "apiVersion", "kind", "status",
  ]
  static let unmanagedMetadata: Set<String> = [
    "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
    "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
  ]

  /// Leaf paths of `object` (as token lists), skipping identity and server-owned fields.
  public static func leaves(of object: Value, kind: String?) -> Set<[String]> {
    var result: Set<[String]> = []
    guard case .object(let map) = object else { return result }
    for (key, value) in map where !unmanaged.contains(key) {
      if key == "metadata", case .object(let meta) = value {
        for (mk, mv) in meta where !unmanagedMetadata.contains(mk) {
          collect(mv, kind: kind, path: ["metadata", mk], tokens: ["f:metadata", "f:\(mk)"], into: &result)
        }
        continue
      }
      collect(value, kind: kind, path: [key], tokens: ["f:\(key)"], into: &result)
    }
    return result
  }

  private static func collect(_ value: Value, kind: String?, path: [String], tokens: [String], into result: inout Set<[String]>) {
    switch value {
    case .object(let map) where !map.isEmpty:
      for (key, child) in map { collect(child, kind: kind, path: path + [key], tokens: tokens + ["f:\(key)"], into: &result) }
    case .array(let items) where !items.isEmpty:
      switch PatchSchema.strategy(kind: kind, path: path) {
      case .mergeByKey(let mergeKey):
        for item in items {
          let keyToken = "k:" + JSON.string([mergeKey: item[mergeKey] ?? .null])
          result.insert(tokens + [keyToken, "."])
          collect(item, kind: kind, path: path, tokens: tokens + [keyToken], into: &result)
        }
      case .mergeScalars:
        for item in items { result.insert(tokens + ["v:" + JSON.string(item)]) }
      case .replace:
        result.insert(tokens)
      }
    default:
      result.insert(tokens)
    }
  }

  /// The field and value a `k:{"name":"x"}` token selects a list element by.
  static func keyToken(_ token: String) -> (String, Value)? {
    guard token.hasPrefix("k:"), let key = try? JSON.parse(String(token.dropFirst(2))),
      let first = key.objectValue?.elements.first
    else { return nil }
    return (first.key, first.value)
  }

  /// The value at a token path, or nil when absent.
  static func value(at tokens: [String], in object: Value, kind: String?) -> Value? {
    var current: Value = object
    for token in tokens {
      if token == "." { continue }
      if token.hasPrefix("f:") {
        guard let next = current[String(token.dropFirst(2))] else { return nil }
        current = next
      } else if token.hasPrefix("k:") {
        guard let items = current.arrayValue, let (field, expected) = keyToken(token) else { return nil }
        guard let item = items.first(where: { $0[field] == expected }) else { return nil }
        current = item
      } else if token.hasPrefix("v:") {
        guard let items = current.arrayValue, let expected = try? JSON.parse(String(token.dropFirst(2))),
          items.contains(expected)
        else { return nil }
        current = expected
      }
    }
    return current
  }

  /// Leaves as the nested `fieldsV1` map the API reports.
  public static func fieldsV1(_ leaves: Set<[String]>) -> Value {
    var root = Value.object([:])
    for leaf in leaves.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
      root[path: leaf] = root[path: leaf] ?? .object([:])
    }
    return root
  }

  /// Leaves back from a `fieldsV1` map.
  public static func leaves(fromFieldsV1 value: Value) -> Set<[String]> {
    var result: Set<[String]> = []
    func walk(_ v: Value, _ path: [String]) {
      guard let map = v.objectValue, !map.isEmpty else {
        if !path.isEmpty { result.insert(path) }
        return
      }
      for (k, child) in map {
        if k == "." {
          result.insert(path + ["."])
        } else {
          walk(child, path + [k])
        }
      }
    }
    walk(value, [])
    return result
  }

  /// `.spec.replicas` or `.spec.template.spec.containers[name="vllm"].image`: how conflicts name fields.
  public static func describe(_ tokens: [String]) -> String {
    var out = ""
    for token in tokens {
      if token.hasPrefix("f:") {
        out += "." + token.dropFirst(2)
      } else if let (k, v) = keyToken(token) {
        out += "[\(k)=\(JSON.string(v))]"
      } else if token.hasPrefix("v:") {
        out += "[\(token.dropFirst(2))]"
      }
    }
    return out
  }
}
