public import Manifest

/// Fields a person added by hand (`kubectl edit`, `set`, `label`, `patch`, a client-side
/// apply) to an object git manages, where git says nothing. Server-side apply alone would keep
/// them, because they are another manager's; git is the source of truth, so they are
/// differences and `apply` removes them. Controllers' fields are never touched.
public enum ForeignFields {
  /// Field managers that are people at a terminal, as kubectl names itself.
  /// `kubectl rollout restart` is an operation, not configuration: removing its annotation
  /// would restart the pods once more.
  public static func isHuman(_ manager: String) -> Bool { manager.hasPrefix("kubectl") && manager != "kubectl-rollout" }

  /// Paths owned by human managers in `object` that no leaf of `applied` overlaps.
  public static func find(in object: Value, applied: Value, kind: String?, ownManager: String) -> [(path: FieldPath, manager: String)] {
    let ours = FieldLeaves.of(applied, kind: kind)
    var found: [(FieldPath, String)] = []
    for entry in ManagedFields.entries(of: object) where entry.manager != ownManager && isHuman(entry.manager) {
      for path in entry.paths where !ours.contains(where: { $0.overlaps(path) }) {
        // metadata.managedFields-level bookkeeping and the object's identity are never foreign.
        if path.steps.first == .key("status") || path == FieldPath([.key("metadata"), .key("name")]) { continue }
        if !found.contains(where: { $0.0 == path }) { found.append((path, entry.manager)) }
      }
    }
    // Only the outermost path of a foreign subtree: removing it removes the rest.
    return found.filter { candidate in
      !found.contains { other in other.0 != candidate.0 && other.0.steps.count < candidate.0.steps.count && other.0.overlaps(candidate.0) }
    }.sorted { $0.0 < $1.0 }
  }

  /// `object` without `paths`.
  public static func removing(_ paths: [FieldPath], from object: Value) -> Value {
    var copy = object
    for path in paths { remove(path.steps[...], in: &copy) }
    return copy
  }

  private static func remove(_ steps: ArraySlice<FieldPath.Step>, in value: inout Value) {
    guard let step = steps.first else { return }
    let rest = steps.dropFirst()
    switch (step, value) {
    case (.key(let key), .object(var map)):
      if rest.isEmpty {
        map[key] = nil
      } else if var child = map[key] {
        remove(rest, in: &child)
        // The API server omits lists emptied this way (omitempty): so do we.
        map[key] = child.arrayValue?.isEmpty == true ? nil : child
      }
      value = .object(map)
    case (.element(let key, let name), .array(var items)):
      guard let index = items.firstIndex(where: { $0[key].map { $0.stringValue ?? YAMLWriter.scalarText($0) } == name }) else { return }
      if rest.isEmpty {
        items.remove(at: index)
      } else {
        remove(rest, in: &items[index])
      }
      value = .array(items)
    default:
      return
    }
  }

  /// A strategic-merge patch deleting `paths` (map keys set to null, keyed list elements with
  /// `$patch: delete`); nil when a path cannot be expressed so (positional lists).
  public static func removalPatch(_ paths: [FieldPath]) -> Value? {
    var patch: Value = [:]
    for path in paths {
      guard let merged = add(path.steps[...], to: patch) else { return nil }
      patch = merged
    }
    return patch
  }

  private static func add(_ steps: ArraySlice<FieldPath.Step>, to node: Value) -> Value? {
    guard let step = steps.first else { return node }
    let rest = steps.dropFirst()
    var map = node.objectValue ?? [:]
    switch step {
    case .key(let key):
      if rest.isEmpty {
        map[key] = .null
      } else if case .element = rest.first {
        guard let list = addElement(rest, to: map[key]?.arrayValue ?? []) else { return nil }
        map[key] = .array(list)
      } else {
        guard let child = add(rest, to: map[key] ?? [:]) else { return nil }
        map[key] = child
      }
      return .object(map)
    case .element, .index:
      return nil
    }
  }

  private static func addElement(_ steps: ArraySlice<FieldPath.Step>, to list: [Value]) -> [Value]? {
    guard case .element(let key, let name) = steps.first else { return nil }
    let rest = steps.dropFirst()
    var items = list
    let index = items.firstIndex { $0[key].map { $0.stringValue ?? YAMLWriter.scalarText($0) } == name } ?? {
      items.append([key: Int64(name).map(Value.int) ?? .string(name)])
      return items.count - 1
    }()
    if rest.isEmpty {
      items[index]["$patch"] = "delete"
    } else {
      guard let child = add(rest, to: items[index]) else { return nil }
      items[index] = child
    }
    return items
  }
}
