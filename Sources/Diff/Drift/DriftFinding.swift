public import Manifest

/// One object that is not as the last release left it, and why.
public struct DriftFinding: Sendable, Equatable {
  public var id: ResourceID
  public var driftClass: DriftClass
  public var fields: [DriftField]
  /// Orphaned: the managers that wrote the object (who left it behind). Drifted: every
  /// manager named by its fields. Sorted, unique.
  public var managers: [String]
  /// Pending only: what git does to the object (`create`, `update`, `remove`).
  public var pendingAction: String?

  public init(id: ResourceID, driftClass: DriftClass, fields: [DriftField] = [], managers: [String] = [], pendingAction: String? = nil) {
    self.id = id
    self.driftClass = driftClass
    self.fields = fields
    self.managers = managers
    self.pendingAction = pendingAction
  }
}
