/// A path to one field of an object as users read it: `spec.template.spec.containers[name=vllm].image`.
/// List elements merged by key are named by that key (stable across reorderings); others by index.
public struct FieldPath: Sendable, Hashable, Comparable, CustomStringConvertible {
  public enum Step: Sendable, Hashable {
    case key(String)
    case element(key: String, value: String)
    case index(Int)
  }

  public var steps: [Step]

  public init(_ steps: [Step] = []) { self.steps = steps }

  public func appending(_ step: Step) -> FieldPath { FieldPath(steps + [step]) }

  /// Map keys only, as the merge schema addresses lists (elements add no component).
  public var schemaPath: [String] {
    steps.compactMap { if case .key(let k) = $0 { return k } else { return nil } }
  }

  /// True when one path lies on the other's way (a field and the map or element holding it).
  public func overlaps(_ other: FieldPath) -> Bool {
    let n = min(steps.count, other.steps.count)
    return Array(steps.prefix(n)) == Array(other.steps.prefix(n))
  }

  public var description: String {
    var text = ""
    for step in steps {
      switch step {
      case .key(let key):
        let plain = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        text += plain ? (text.isEmpty ? key : "." + key) : "[\"\(key)\"]"
      case .element(let key, let value):
        text += "[\(key)=\(value)]"
      case .index(let i):
        text += "[\(i)]"
      }
    }
    return text
  }

  public static func < (a: FieldPath, b: FieldPath) -> Bool { a.description < b.description }
}
