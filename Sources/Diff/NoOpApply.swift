internal import Foundation
public import Manifest

/// Decides from the live object alone that a server-side apply would change nothing, so the
/// dry run can be skipped: our field manager already owns exactly the fields the object
/// sets, every one has the value we would apply, and no person added fields by hand. This is
/// the API server's own no-op rule, applied client-side; anything uncertain (positional or
/// set-valued lists, a field owned only by others) falls back to asking the server.
public enum NoOpApply {
  public static func holds(applied: Value, live: Value, manager: String, kind: String?) -> Bool {
    let entries = ManagedFields.entries(of: live)
    guard let ours = entries.first(where: { $0.manager == manager && $0.operation == "Apply" }) else { return false }
    // Identity is not owned by anyone: managedFields never list it.
    let identity: Set<FieldPath> = [
      FieldPath([.key("apiVersion")]), FieldPath([.key("kind")]),
      FieldPath([.key("metadata"), .key("name")]), FieldPath([.key("metadata"), .key("namespace")]),
    ]
    let leaves = FieldLeaves.of(applied, kind: kind).filter { !identity.contains($0) }
    let owned = Set(ours.paths.filter { path in !ours.paths.contains { $0 != path && $0.steps.count > path.steps.count && path.overlaps($0) } })
    let wanted = Set(leaves.map(asStored))
    guard owned == wanted else {
      if ProcessInfo.processInfo.environment["RELEASE_DEBUG_NOOP"] != nil {
        print("noop", applied.name ?? "", "owned-only:", owned.subtracting(wanted).map(\.description).sorted(), "wanted-only:", wanted.subtracting(owned).map(\.description).sorted())
      }
      return false
    }
    for leaf in leaves {
      guard let mine = value(at: leaf, in: applied) else { return false }
      let stored = asStored(leaf)
      guard let theirs = value(at: stored, in: live) else { return false }
      let expected = leaf == stored ? mine : encodedSecretValue(mine)
      switch (theirs, expected) {
      case (.object, _), (.array, _), (_, .object), (_, .array):
        if !StructuralDiff.changes(from: theirs, to: expected, kind: kind).isEmpty { return false }
      default:
        if !StructuralDiff.sameScalar(theirs, expected, path: stored) { return false }
      }
    }
    return ForeignFields.find(in: live, applied: applied, kind: kind, ownManager: manager).isEmpty
  }

  /// Where the server keeps a field: a Secret's `stringData.k` is stored as `data.k`.
  static func asStored(_ path: FieldPath) -> FieldPath {
    guard path.steps.first == .key("stringData") else { return path }
    return FieldPath([.key("data")] + path.steps.dropFirst())
  }

  static func encodedSecretValue(_ value: Value) -> Value {
    .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
  }

  static func value(at path: FieldPath, in object: Value) -> Value? {
    var current: Value? = object
    for step in path.steps {
      switch step {
      case .key(let key): current = current?[key]
      case .element(let key, let name):
        current = current?.arrayValue?.first { $0[key].map { $0.stringValue ?? YAMLWriter.scalarText($0) } == name }
      case .index(let i):
        guard let items = current?.arrayValue, i < items.count else { return nil }
        current = items[i]
      }
    }
    return current
  }
}
