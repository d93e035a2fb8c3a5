public import Manifest
internal import Kube
internal import Render

/// The fields that differ between two versions of one object, walking maps by key and lists by
/// their merge key where the Kubernetes schema has one, so a reordered list is not a change and
/// a changed element is named (`env[name=MODEL_NAME].value`), not "the list changed".
public enum StructuralDiff {
  public static func changes(from old: Value, to new: Value, kind: String?) -> [FieldChange] {
    var result: [FieldChange] = []
    walk(old, new, path: FieldPath(), kind: kind, into: &result)
    return result
  }

  /// Maps whose values are resource quantities: `1000m` and `1` are the same request.
  static let quantityMaps: Set<String> = ["requests", "limits", "capacity", "allocatable", "hard", "used"]
  static let quantityKeys: Set<String> = ["sizeLimit", "storage"]

  private static func walk(_ old: Value, _ new: Value, path: FieldPath, kind: String?, into result: inout [FieldChange]) {
    switch (old, new) {
    case (.object(let a), .object(let b)):
      for (key, value) in b {
        let child = path.appending(.key(key))
        if let before = a[key] {
          walk(before, value, path: child, kind: kind, into: &result)
        } else {
          result.append(FieldChange(path: child, kind: .added, old: nil, new: value))
        }
      }
      for (key, value) in a where b[key] == nil {
        result.append(FieldChange(path: path.appending(.key(key)), kind: .removed, old: value, new: nil))
      }
    case (.array(let a), .array(let b)):
      if case .mergeByKey(let key) = PatchSchema.strategy(kind: kind, path: path.schemaPath),
        let keyedA = keyed(a, by: key), let keyedB = keyed(b, by: key)
      {
        for (name, value) in keyedB {
          let child = path.appending(.element(key: key, value: name))
          if let before = keyedA.first(where: { $0.0 == name })?.1 {
            walk(before, value, path: child, kind: kind, into: &result)
          } else {
            result.append(FieldChange(path: child, kind: .added, old: nil, new: value))
          }
        }
        for (name, value) in keyedA where !keyedB.contains(where: { $0.0 == name }) {
          result.append(FieldChange(path: path.appending(.element(key: key, value: name)), kind: .removed, old: value, new: nil))
        }
      } else if a.count == b.count {
        for (index, pair) in zip(a, b).enumerated() {
          walk(pair.0, pair.1, path: path.appending(.index(index)), kind: kind, into: &result)
        }
      } else {
        result.append(FieldChange(path: path, kind: .changed, old: old, new: new))
      }
    default:
      if !sameScalar(old, new, path: path) {
        result.append(FieldChange(path: path, kind: .changed, old: old, new: new))
      }
    }
  }

  private static func keyed(_ items: [Value], by key: String) -> [(String, Value)]? {
    var result: [(String, Value)] = []
    for item in items {
      guard let value = item[key] else { return nil }
      result.append((value.stringValue ?? YAMLWriter.scalarText(value), item))
    }
    return result
  }

  static func sameScalar(_ a: Value, _ b: Value, path: FieldPath) -> Bool {
    if a == b { return true }
    if case .int(let i) = a, case .float(let d) = b { return Double(i) == d }
    if case .float(let d) = a, case .int(let i) = b { return Double(i) == d }
    if isQuantity(path), let qa = Quantity(a), let qb = Quantity(b) { return qa == qb }
    return false
  }

  static func isQuantity(_ path: FieldPath) -> Bool {
    let keys = path.schemaPath
    guard let last = keys.last else { return false }
    if quantityKeys.contains(last) { return true }
    return keys.count >= 2 && quantityMaps.contains(keys[keys.count - 2])
  }
}
