public import Manifest

/// Why an overlay could not be rendered. `file` is the kustomization or resource at fault,
/// `field` the kustomization field when one is to blame (e.g. "patches[1].target").
public struct RenderError: Error, Sendable, Equatable, CustomStringConvertible {
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

  public init(_ error: ManifestError) {
    self.init(file: error.file, line: error.line, message: error.message)
  }

  public var description: String {
    var location = file
    if let line { location += ":\(line)" }
    if let field { location += ": \(field)" }
    return "\(location): \(message)"
  }
}
