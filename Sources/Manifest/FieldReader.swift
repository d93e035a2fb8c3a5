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

/// How field names are matched against a map's keys.
public enum KeyMatching: Sendable {
  /// Our own schemas (release.yaml): a key is the field only as written.
  case exact
  /// Go's `encoding/json`, through which kustomize decodes its files: `Resources` is the field
  /// `resources`, and of several keys naming one field the last in byte order wins (the keys
  /// reach the decoder sorted).
  case ignoringCase
}

/// Reads the fields of one YAML map, remembering which were read so that the rest can be
/// reported as unknown: a typo in a config file must fail loudly, not change behaviour.
public struct FieldReader: Sendable {
  public let value: Value
  public let file: String
  public let path: String
  public let keys: KeyMatching
  private var seen: Set<String> = []

  public init(value: Value, file: String, path: String = "", keys: KeyMatching = .exact) {
    self.value = value
    self.file = file
    self.path = path
    self.keys = keys
  }

  public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  public func error(_ key: String?, _ message: String) -> FieldError {
    FieldError(file: file, field: key.map(fieldPath) ?? (path.isEmpty ? nil : path), message: message)
  }

  private func typeError(_ key: String, expected: String, got: Value) -> FieldError {
    error(key, "expected \(expected), got \(got.typeDescription)")
  }

  /// Marks a key as known without reading it (read elsewhere).
  public mutating func accept(_ fields: String...) { seen.formUnion(fields.map(folded)) }

  /// Whether the map sets the field (to anything, null included).
  public func contains(_ field: String) -> Bool { matchingKey(field) != nil }

  public mutating func raw(_ key: String) -> Value? {
    seen.insert(folded(key))
    guard let match = matchingKey(key), let v = value[match], !v.isNull else { return nil }
    return v
  }

  private func folded(_ key: String) -> String {
    keys == .exact ? key : key.lowercased()
  }

  /// The key of the map that sets `field`.
  private func matchingKey(_ field: String) -> String? {
    guard let object = value.objectValue else { return nil }
    switch keys {
    case .exact:
      return object[field] == nil ? nil : field
    case .ignoringCase:
      let wanted = field.lowercased()
      return object.keys.filter { $0.lowercased() == wanted }.max { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
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

  /// An integer; a float with an integral value (`3.0`) too, as Go's JSON decoding takes it
  /// once YAML has become JSON (where 3.0 is written 3).
  public mutating func optionalInt(_ key: String) throws(FieldError) -> Int64? {
    guard let v = raw(key) else { return nil }
    switch v {
    case .int(let i): return i
    case .float where v.intValue != nil: return v.intValue
    default: throw typeError(key, expected: "an integer", got: v)
    }
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
    return FieldReader(value: v, file: file, path: fieldPath(key), keys: keys)
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
    if let unknown = object.keys.first(where: { !seen.contains(folded($0)) }) {
      throw FieldError(file: file, field: fieldPath(unknown), message: "unknown field")
    }
  }
}
