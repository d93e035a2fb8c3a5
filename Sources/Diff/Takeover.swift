/// A field the overlay sets that another field manager owns (a `kubectl edit`, another
/// controller): applying takes it over, because git wins. Reported so nobody is surprised.
public struct Takeover: Sendable, Equatable, Codable {
  public var manager: String
  public var field: String

  public init(manager: String, field: String) {
    self.manager = manager
    self.field = field
  }

  /// From a 409's `FieldManagerConflict` causes: `conflict with "kubectl-edit" using apps/v1`.
  static func parse(message: String, field: String) -> Takeover? {
    guard let start = message.firstIndex(of: "\""), let end = message[message.index(after: start)...].firstIndex(of: "\"") else {
      return nil
    }
    return Takeover(manager: String(message[message.index(after: start)..<end]), field: field)
  }
}
