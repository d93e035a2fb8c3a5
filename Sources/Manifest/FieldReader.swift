/// A field that has the wrong type, is missing, or is not known, named by its dotted path.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var field: String?
  public var message: String

  public init(file: String, field: String?, message: String) {
    self.file = file
    self.field = field
    self.message = message
  }

  public var description: String {
    field.map { "\(file): \($0): \(message)" } ?? "\(file): \(message)"
  }
}

/// Reads the fields of one YAML map, remembering which were read so that the rest can be
/// reported as unknown: a typo in a config file must fail loudly, not change behaviour.
public struct FieldReader: Sendable {
  public let value: Value
  public let file: String
  public let path: String
  private var seen: Set<String> = []

  public init(value: Value, file: String, path: String = "") {
    self.value = value
    self.file = file
    self.path = path
  }

  public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  public func error(_ key: String?, _ message: String) -> FieldError {
    FieldError(file: file, field: key.map(fieldPath) ?? (path.isEmpty ? nil : path), message: message)
  }

  private func typeError(_ key: String, expected: String, got: Value) -> FieldError {
    error(key, "expected \(expected), got \(got.typeDescription)")
  }

  /// Marks a key as known without reading it (read elsewhere).
  public mutating func accept(_ keys: String...) { seen.formUnion(keys) }

  public mutating func raw(_ key: String) -> Value? {
    seen.insert(key)
    guard let v = value[key], !v.isNull else { return nil }
    return v
  }

  public mutating func optionalString(_ key: String) throws(FieldError) -> String? {
    guard let v = raw(key) else { return nil }
    guard let s = v.stringValue else { throw typeError(key, expected: "a string", got: v) }
    return s
  }

  public mutating func requireString(_ key: String) throws(FieldError) -> String {
    guard let s = try optionalString(key) else { throw error(key, "required field is missing") }
    return s
  }

  public mutating func requireString(_ key: String, equalTo expected: String) throws(FieldError) {
    let s = try requireString(key)
    guard s == expected else { throw error(key, "expected \"\(expected)\", got \"\(s)\"") }
  }

  public mutating func optionalBool(_ key: String) throws(FieldError) -> Bool? {
    guard let v = raw(key) else { return nil }
    guard let b = v.boolValue else { throw typeError(key, expected: "true or false", got: v) }
    return b
  }

  public mutating func optionalInt(_ key: String) throws(FieldError) -> Int64? {
    guard let v = raw(key) else { return nil }
    guard case .int(let i) = v else { throw typeError(key, expected: "an integer", got: v) }
    return i
  }

  /// An integer or a decimal (thresholds: `0.99`, `5`).
  public mutating func optionalNumber(_ key: String) throws(FieldError) -> Double? {
    guard let v = raw(key) else { return nil }
    switch v {
    case .int(let i): return Double(i)
    case .float(let d) where d.isFinite: return d
    default: throw typeError(key, expected: "a number", got: v)
    }
  }

  public mutating func optionalMap(_ key: String) throws(FieldError) -> FieldReader? {
    guard let v = raw(key) else { return nil }
    guard v.objectValue != nil else { throw typeError(key, expected: "a map", got: v) }
    return FieldReader(value: v, file: file, path: fieldPath(key))
  }

  public mutating func requireMap(_ key: String) throws(FieldError) -> FieldReader {
    guard let map = try optionalMap(key) else { throw error(key, "required field is missing") }
    return map
  }

  /// A list; each element is handed out with its indexed path (`patches[2]`).
  public mutating func optionalList(_ key: String) throws(FieldError) -> [(path: String, value: Value)]? {
    guard let v = raw(key) else { return nil }
    guard let items = v.arrayValue else { throw typeError(key, expected: "a list", got: v) }
    return items.enumerated().map { ("\(fieldPath(key))[\($0.offset)]", $0.element) }
  }

  public mutating func optionalStringList(_ key: String) throws(FieldError) -> [String]? {
    guard let items = try optionalList(key) else { return nil }
    var result: [String] = []
    for (itemPath, item) in items {
      guard let s = item.stringValue else {
        throw FieldError(file: file, field: itemPath, message: "expected a string, got \(item.typeDescription)")
      }
      result.append(s)
    }
    return result
  }

  /// A map of string values (labels, annotations); other scalars are rejected as kustomize does.
  public mutating func optionalStringMap(_ key: String) throws(FieldError) -> [(String, String)]? {
    guard let v = raw(key) else { return nil }
    guard let object = v.objectValue else { throw typeError(key, expected: "a map", got: v) }
    var result: [(String, String)] = []
    for (k, item) in object {
      switch item {
      case .string(let s): result.append((k, s))
      // kustomize decodes a null into a Go string map as "" (`a: ~` sets an empty label).
      case .null: result.append((k, ""))
      case .bool, .int, .float:
        throw FieldError(
          file: file, field: "\(fieldPath(key)).\(k)",
          message: "expected a string, got \(item.typeDescription) (quote it: \"\(YAMLWriter.scalarText(item))\")")
      default:
        throw FieldError(file: file, field: "\(fieldPath(key)).\(k)", message: "expected a string, got \(item.typeDescription)")
      }
    }
    return result
  }

  public func rejectUnknownKeys() throws(FieldError) {
    guard let object = value.objectValue else {
      throw FieldError(file: file, field: path.isEmpty ? nil : path, message: "expected a map, got \(value.typeDescription)")
    }
    if let unknown = object.keys.first(where: { !seen.contains($0) }) {
      throw FieldError(file: file, field: fieldPath(unknown), message: "unknown field")
    }
  }
}
