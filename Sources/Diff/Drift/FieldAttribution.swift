public import Manifest

/// Names the field manager that changed a field, from the live object's managedFields. An
/// Update by another manager takes ownership of each field it changes, so the owner of a
/// drifted field (other than `release`) is who changed it: `kubectl-edit`, `kubectl-patch`,
/// `kubectl-client-side-apply`, a controller.
public enum FieldAttribution {
  struct Entry {
    var manager: String
    var operation: String
    var subresource: String?
    /// RFC 3339, as the server writes it (one format: text order is time order).
    var time: String
    var paths: [FieldPath]
  }

  static func entries(of live: Value) -> [Entry] {
    let raw = live[path: ["metadata", "managedFields"]]?.arrayValue ?? []
    let parsed = ManagedFields.entries(of: live)
    // ManagedFields.entries keeps the order of the list and skips entries without a manager.
    let named = raw.filter { $0["manager"]?.stringValue != nil }
    return zip(named, parsed).map { raw, entry in
      Entry(
        manager: entry.manager, operation: entry.operation, subresource: raw["subresource"]?.stringValue,
        time: raw["time"]?.stringValue ?? "", paths: entry.paths)
    }
  }

  /// The manager that changed `path`, other than `ownManager`. A field someone removed has no
  /// owner left: then the latest writer among people at a terminal (`kubectl*`), else the
  /// latest writer of all, is named; nil when nobody but us wrote the object.
  public static func manager(of path: FieldPath, in live: Value, ownManager: String) -> String? {
    let others = entries(of: live).filter { $0.manager != ownManager && ($0.subresource == nil || $0.subresource == "scale") }
    // Owners of the field itself or of something inside it; an owner of a whole list element
    // around it (`.` in fieldsV1) says less, and only counts when nothing closer does.
    let inside = others.filter { entry in entry.paths.contains { $0.steps.count >= path.steps.count && $0.overlaps(path) } }
    if let latest = inside.max(by: { $0.time < $1.time }) { return latest.manager }
    let around = others.filter { entry in entry.paths.contains { $0.overlaps(path) } }
    if let latest = around.max(by: { $0.time < $1.time }) { return latest.manager }
    let writers = others.filter { $0.operation == "Update" }
    if let human = writers.filter({ ForeignFields.isHuman($0.manager) }).max(by: { $0.time < $1.time }) { return human.manager }
    return writers.max(by: { $0.time < $1.time })?.manager
  }

  /// Every manager that wrote the object, other than `ownManager`: who left an orphan behind.
  public static func writers(of live: Value, ownManager: String) -> [String] {
    Array(Set(entries(of: live).map(\.manager).filter { $0 != ownManager })).sorted()
  }
}
