import Manifest

/// What a replacement writes into a target field, as kustomize writes it: into an existing
/// scalar it copies only the source's text and keeps the target's type ("to auto-convert
/// int->string or string->int", its code says), so "3" into `replicas: 1` is the number 3 and
/// the number 5 into a label is "5"; text that type cannot hold is an error, as there. A map,
/// a list or a field being created takes the source's value as it is.
enum ReplacementValue {
  static func written(_ source: Value, over target: Value?) throws(PatchError) -> Value {
    guard let target else { return source }
    let text = Self.text(of: source)
    switch target {
    case .object, .array:
      return source
    case .string:
      return .string(text)
    case .int:
      if case .int = ScalarResolver.resolvePlain(text) { return ScalarResolver.resolvePlain(text) }
    case .float:
      switch ScalarResolver.resolvePlain(text) {
      case .float(let number): return .float(number)
      case .int(let number): return .float(Double(number))
      default: break
      }
    case .bool:
      if case .bool = ScalarResolver.resolvePlain(text) { return ScalarResolver.resolvePlain(text) }
    case .null:
      if ScalarResolver.resolvePlain(text).isNull { return .null }
    }
    throw PatchError("cannot decode \(tag(of: ScalarResolver.resolvePlain(text))) `\(text)` as a \(tag(of: target))")
  }

  /// A scalar's text; a map's or list's is empty, as a YAML node's is.
  static func text(of value: Value) -> String {
    switch value {
    case .string(let text): return text
    case .array, .object: return ""
    default: return YAMLWriter.scalarText(value)
    }
  }

  private static func tag(of value: Value) -> String {
    switch value {
    case .null: return "!!null"
    case .bool: return "!!bool"
    case .int: return "!!int"
    case .float: return "!!float"
    case .string: return "!!str"
    case .array: return "!!seq"
    case .object: return "!!map"
    }
  }
}
