public import Manifest

/// Reads `metadata.managedFields`: which manager owns which fields, in `FieldPath` form.
public enum ManagedFields {
  public struct Entry: Sendable, Equatable {
    public var manager: String
    public var operation: String
    /// Owned leaves, and list elements owned as a whole (`.` in fieldsV1).
    public var paths: [FieldPath]
  }

  public static func entries(of object: Value) -> [Entry] {
    (object[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap { entry in
      guard let manager = entry["manager"]?.stringValue else { return nil }
      var paths: [FieldPath] = []
      collect(entry["fieldsV1"] ?? [:], path: FieldPath(), into: &paths)
      return Entry(manager: manager, operation: entry["operation"]?.stringValue ?? "Update", paths: paths)
    }
  }

  private static func collect(_ node: Value, path: FieldPath, into paths: inout [FieldPath]) {
    guard let map = node.objectValue else { return }
    if map.isEmpty || map["."] != nil, !path.steps.isEmpty { paths.append(path) }
    for (token, child) in map where token != "." {
      if token.hasPrefix("f:") {
        collect(child, path: path.appending(.key(String(token.dropFirst(2)))), into: &paths)
      } else if token.hasPrefix("k:"), let key = try? JSON.parse(String(token.dropFirst(2))),
        let first = key.objectValue?.elements.first, key.objectValue?.count == 1
      {
        let value = first.value.stringValue ?? YAMLWriter.scalarText(first.value)
        collect(child, path: path.appending(.element(key: first.key, value: value)), into: &paths)
      }
      // `v:` (set elements), multi-field keys and a key that is not JSON (servers always write
      // JSON here) are left out: NoOpApply then falls back to the server's dry run; only a
      // hand-added element under such a key would go unreported as foreign.
    }
  }
}
