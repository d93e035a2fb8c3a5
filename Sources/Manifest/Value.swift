public import OrderedCollections

/// A YAML/JSON value that keeps what Kubernetes tooling cares about: key order as written,
/// and the exact scalar type (a quoted `"8192"` stays a string, a plain `8192` is an int).
public enum Value: Sendable, Hashable {
  case null
  case bool(Bool)
  case int(Int64)
  case float(Double)
  case string(String)
  case array([Value])
  case object(OrderedDictionary<String, Value>)

  public static let emptyObject: Value = .object([:])
}

extension Value {
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
  public var intValue: Int64? {
    switch self {
    case .int(let i): return i
    case .float(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
    default: return nil
    }
  }
  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }
  public var arrayValue: [Value]? {
    if case .array(let a) = self { return a }
    return nil
  }
  public var objectValue: OrderedDictionary<String, Value>? {
    if case .object(let o) = self { return o }
    return nil
  }
  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// Name of the type as a user reads it in an error ("a string", "a map").
  public var typeDescription: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .int: return "an integer"
    case .float: return "a number"
    case .string: return "a string"
    case .array: return "a list"
    case .object: return "a map"
    }
  }

  /// Key lookup on a map; nil for other kinds or a missing key.
  public subscript(key: String) -> Value? {
    get {
      if case .object(let o) = self { return o[key] }
      return nil
    }
    set {
      guard case .object(var o) = self else {
        if let newValue { self = .object([key: newValue]) }
        return
      }
      o[key] = newValue
      self = .object(o)
    }
  }

  public subscript(path path: [String]) -> Value? {
    get {
      var current: Value? = self
      for key in path { current = current?[key] }
      return current
    }
    set {
      guard let first = path.first else {
        if let newValue { self = newValue }
        return
      }
      if path.count == 1 {
        self[first] = newValue
        return
      }
      var child = self[first] ?? .object([:])
      if child.objectValue == nil { child = .object([:]) }
      child[path: Array(path.dropFirst())] = newValue
      self[first] = child
    }
  }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral,
  ExpressibleByFloatLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int64) { self = .int(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(floatLiteral value: Double) { self = .float(value) }
  public init(arrayLiteral elements: Value...) { self = .array(elements) }
  public init(nilLiteral: ()) { self = .null }
  public init(dictionaryLiteral elements: (String, Value)...) {
    self = .object(OrderedDictionary(elements, uniquingKeysWith: { _, last in last }))
  }
}
