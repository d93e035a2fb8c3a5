public import Manifest

/// What applying the environment would do to one object.
public struct ObjectDiff: Sendable, Equatable {
  public enum Action: String, Sendable, Equatable, CaseIterable {
    case create, update, unchanged
    /// Tracked as this environment's, no longer rendered: deleted by `apply --prune`.
    case prune
  }

  public var id: ResourceID
  public var action: Action
  public var fields: [FieldChange]
  /// Both sides normalized (noise removed) and Secret values masked: safe to print.
  public var before: Value?
  public var after: Value?

  public init(id: ResourceID, action: Action, fields: [FieldChange], before: Value?, after: Value?) {
    self.id = id
    self.action = action
    self.fields = fields
    self.before = before
    self.after = after
  }

  public var isSecret: Bool { id.gvk.kind == "Secret" && id.gvk.group.isEmpty }
}
