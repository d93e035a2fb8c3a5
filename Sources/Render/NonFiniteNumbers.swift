import Manifest

/// kustomize turns every object, and the kustomization itself, into JSON, which has no
/// infinity and no NaN: a `.inf` or `.nan` left as a number anywhere fails its build. Finds the
/// first such number, for an error naming the field.
enum NonFiniteNumbers {
  /// The dotted path of the first non-finite number in `value`, or nil.
  static func firstPath(in value: Value, path: String = "") -> String? {
    switch value {
    case .float(let number) where !number.isFinite:
      return path.isEmpty ? "." : path
    case .array(let items):
      for (index, item) in items.enumerated() {
        if let found = firstPath(in: item, path: "\(path)[\(index)]") { return found }
      }
      return nil
    case .object(let map):
      for (key, item) in map {
        if let found = firstPath(in: item, path: path.isEmpty ? key : "\(path).\(key)") { return found }
      }
      return nil
    default:
      return nil
    }
  }

  static func check(_ value: Value, file: String, what: String) throws(RenderError) {
    guard let path = firstPath(in: value) else { return }
    throw RenderError(
      file: file, field: path,
      message: "\(what): \(path) is not a finite number (.inf and .nan have no JSON form, so kustomize refuses them); quote it to keep it a string")
  }
}
