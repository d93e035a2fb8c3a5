public import Manifest

/// Reads the fields of one YAML map, remembering which were read so that the rest can be
/// reported as unknown. Errors name the file and the dotted field path.
struct FieldReader {
  let value: Value
  let file: String
  let path: String
  private var seen: Set<String> = []

  init(value: Value, file: String, path: String) {
    self.value = value
    self.file = file
    self.path = path
  }

  private func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  private func typeError(_ key: String, expected: String, got: Value) -> EnvironmentError {
    EnvironmentError(file: file, field: fieldPath(key), message: "expected \(expected), got \(got.typeDescription)")
  }

  mutating func optionalString(_ key: String) throws(EnvironmentError) -> String? {
    seen.insert(key)
    guard let v = value[key], !v.isNull else { return nil }
    guard let s = v.stringValue else { throw typeError(key, expected: "a string", got: v) }
    return s
  }

  mutating func requireString(_ key: String) throws(EnvironmentError) -> String {
    guard let s = try optionalString(key) else {
      throw EnvironmentError(file: file, field: fieldPath(key), message: "required field is missing")
    }
    return s
  }

  mutating func requireString(_ key: String, equalTo expected: String) throws(EnvironmentError) {
    let s = try requireString(key)
    guard s == expected else {
      throw EnvironmentError(file: file, field: fieldPath(key), message: "expected \"\(expected)\", got \"\(s)\"")
    }
  }

  mutating func optionalBool(_ key: String) throws(EnvironmentError) -> Bool? {
    seen.insert(key)
    guard let v = value[key], !v.isNull else { return nil }
    guard let b = v.boolValue else { throw typeError(key, expected: "true or false", got: v) }
    return b
  }

  mutating func optionalMap(_ key: String) throws(EnvironmentError) -> FieldReader? {
    seen.insert(key)
    guard let v = value[key], !v.isNull else { return nil }
    guard v.objectValue != nil else { throw typeError(key, expected: "a map", got: v) }
    return FieldReader(value: v, file: file, path: fieldPath(key))
  }

  mutating func requireMap(_ key: String) throws(EnvironmentError) -> FieldReader {
    guard let map = try optionalMap(key) else {
      throw EnvironmentError(file: file, field: fieldPath(key), message: "required field is missing")
    }
    return map
  }

  func rejectUnknownKeys() throws(EnvironmentError) {
    guard let object = value.objectValue else {
      throw EnvironmentError(file: file, field: path.isEmpty ? nil : path, message: "expected a map, got \(value.typeDescription)")
    }
    if let unknown = object.keys.first(where: { !seen.contains($0) }) {
      throw EnvironmentError(file: file, field: fieldPath(unknown), message: "unknown field")
    }
  }
}
