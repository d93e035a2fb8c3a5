/// A patch that cannot be applied; the transformer adds file and field.
public struct PatchError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
