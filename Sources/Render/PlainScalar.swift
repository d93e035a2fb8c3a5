public import Manifest

/// A scalar written without quotes: its text, and what YAML reads it as.
public struct PlainScalar: Sendable, Hashable {
  public var text: String
  public var value: Value

  public init(text: String, value: Value) {
    self.text = text
    self.value = value
  }
}
