public import Manifest
internal import Render

/// The leaf fields an object sets, addressed as `StructuralDiff` addresses them: what a
/// manifest (or the last release) has a say over.
public enum FieldLeaves {
  public static func of(_ object: Value, kind: String?) -> [FieldPath] {
    var result: [FieldPath] = []
    collect(object, path: FieldPath(), kind: kind, into: &result)
    return result
  }

  private static func collect(_ value: Value, path: FieldPath, kind: String?, into result: inout [FieldPath]) {
    switch value {
    case .object(let map) where !map.isEmpty:
      for (key, child) in map { collect(child, path: path.appending(.key(key)), kind: kind, into: &result) }
    case .array(let items) where !items.isEmpty:
      if case .mergeByKey(let key) = PatchSchema.strategy(kind: kind, path: path.schemaPath),
        items.allSatisfy({ $0[key] != nil })
      {
        for item in items {
          let name = item[key].map { $0.stringValue ?? YAMLWriter.scalarText($0) } ?? ""
          collect(item, path: path.appending(.element(key: key, value: name)), kind: kind, into: &result)
        }
      } else {
        result.append(path)
      }
    default:
      result.append(path)
    }
  }
}
