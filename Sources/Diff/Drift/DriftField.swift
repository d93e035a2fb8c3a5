public import Manifest

/// One field of a drifted or pending object.
public struct DriftField: Sendable, Equatable {
  public var path: FieldPath
  public var change: FieldChange.Kind
  /// Drifted: the last release's value and the live one. Pending: the last release's value
  /// and git's. Nil where absent, and always nil for Secret data (only the change is told).
  public var released: Value?
  public var current: Value?
  /// Drifted: the field manager that changed it, read from the live object's managedFields;
  /// nil when no manager is known (a removed field whose remover left no entry).
  public var manager: String?

  public init(path: FieldPath, change: FieldChange.Kind, released: Value?, current: Value?, manager: String? = nil) {
    self.path = path
    self.change = change
    self.released = released
    self.current = current
    self.manager = manager
  }
}
