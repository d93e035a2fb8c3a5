/// A problem with the environment repo or an environment's `release.yaml`, naming the file
/// and the field so the user can fix it.
public struct EnvironmentError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var field: String?
  public var line: Int?
  public var message: String

  public init(file: String, field: String? = nil, line: Int? = nil, message: String) {
    self.file = file
    self.field = field
    self.line = line
    self.message = message
  }

  public var description: String {
    var location = file
    if let line { location += ":\(line)" }
    if let field { location += ": \(field)" }
    return "\(location): \(message)"
  }
}
