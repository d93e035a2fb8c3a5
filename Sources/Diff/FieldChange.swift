public import Manifest

/// One field that differs between the live object and what applying would make of it.
public struct FieldChange: Sendable, Equatable {
  public enum Kind: String, Sendable, Equatable {
    case changed, added, removed
  }

  public var path: FieldPath
  public var kind: Kind
  /// The values, or nil where they are secret (Secret data) and only the change is reported.
  public var old: Value?
  public var new: Value?

  public init(path: FieldPath, kind: Kind, old: Value?, new: Value?) {
    self.path = path
    self.kind = kind
    self.old = old
    self.new = new
  }
}
