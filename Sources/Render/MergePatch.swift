public import Manifest

/// JSON merge patch (RFC 7386): maps merge, `null` removes, everything else replaces.
public enum MergePatch {
  public static func apply(_ patch: Value, to document: Value) -> Value {
    guard case .object(let patchMap) = patch else { return patch }
    var result = document.objectValue ?? [:]
    for (key, value) in patchMap {
      if value.isNull {
        result[key] = nil
      } else {
        result[key] = apply(value, to: result[key] ?? .null)
      }
    }
    return .object(result)
  }
}
