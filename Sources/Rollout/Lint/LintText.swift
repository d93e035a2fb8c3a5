internal import Manifest

/// How findings quote what a user wrote: strings in quotes (so `"5m"` reads as text), numbers bare.
enum LintText {
  static func written(_ value: Value) -> String {
    switch value {
    case .string(let s): return "\"\(s)\""
    case .int(let i): return String(i)
    case .float(let d): return String(d)
    default: return value.typeDescription
    }
  }
}
