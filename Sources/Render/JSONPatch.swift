public import Manifest

/// JSON Patch (RFC 6902) over `Value`: add, remove, replace, move, copy, test, with JSON
/// Pointer paths (RFC 6901: `~1` is `/`, `~0` is `~`; `-` appends to a list).
public enum JSONPatch {
  public static func apply(_ operations: [Value], to document: Value) throws(PatchError) -> Value {
    var result = document
    for (index, operation) in operations.enumerated() {
      guard let op = operation["op"]?.stringValue else {
        throw PatchError("op \(index): missing \"op\"")
      }
      guard let path = operation["path"]?.stringValue else {
        throw PatchError("op \(index) (\(op)): missing \"path\"")
      }
      let where_ = "op \(index) (\(op) \(path))"
      let pointer = try parsePointer(path, where_: where_)
      switch op {
      case "add":
        guard let value = operation["value"] else { throw PatchError("\(where_): missing \"value\"") }
        try add(value, at: pointer, in: &result, where_: where_)
      case "remove":
        _ = try remove(at: pointer, in: &result, where_: where_)
      case "replace":
        guard let value = operation["value"] else { throw PatchError("\(where_): missing \"value\"") }
        _ = try remove(at: pointer, in: &result, where_: where_)
        try add(value, at: pointer, in: &result, where_: where_)
      case "move", "copy":
        guard let from = operation["from"]?.stringValue else { throw PatchError("\(where_): missing \"from\"") }
        let fromPointer = try parsePointer(from, where_: where_)
        let value: Value
        if op == "move" {
          value = try remove(at: fromPointer, in: &result, where_: where_)
        } else {
          value = try get(fromPointer, in: result, where_: where_)
        }
        try add(value, at: pointer, in: &result, where_: where_)
      case "test":
        let expected = operation["value"] ?? .null
        let actual = try get(pointer, in: result, where_: where_)
        guard actual == expected else {
          throw PatchError("\(where_): test failed: found \(YAMLWriter.scalarText(actual))")
        }
      default:
        throw PatchError("op \(index): unknown op \"\(op)\"")
      }
    }
    return result
  }

  static func parsePointer(_ path: String, where_: String) throws(PatchError) -> [String] {
    if path.isEmpty { return [] }
    guard path.hasPrefix("/") else { throw PatchError("\(where_): path must start with /") }
    return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
      $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }
  }

  static func get(_ pointer: [String], in document: Value, where_: String) throws(PatchError) -> Value {
    var current = document
    for token in pointer {
      switch current {
      case .object(let map):
        guard let next = map[token] else { throw PatchError("\(where_): path not found") }
        current = next
      case .array(let items):
        guard let i = Int(token), items.indices.contains(i) else { throw PatchError("\(where_): path not found") }
        current = items[i]
      default:
        throw PatchError("\(where_): path not found")
      }
    }
    return current
  }

  static func add(_ value: Value, at pointer: [String], in document: inout Value, where_: String) throws(PatchError) {
    guard let last = pointer.last else {
      document = value
      return
    }
    try modifyParent(of: pointer, in: &document, where_: where_) { parent throws(PatchError) in
      switch parent {
      case .object(var map):
        map[last] = value
        parent = .object(map)
      case .array(var items):
        if last == "-" {
          items.append(value)
        } else {
          guard let i = Int(last), i >= 0, i <= items.count else { throw PatchError("\(where_): index out of range") }
          items.insert(value, at: i)
        }
        parent = .array(items)
      default:
        throw PatchError("\(where_): path not found")
      }
    }
  }

  static func remove(at pointer: [String], in document: inout Value, where_: String) throws(PatchError) -> Value {
    guard let last = pointer.last else { throw PatchError("\(where_): cannot remove the whole document") }
    var removed: Value = .null
    try modifyParent(of: pointer, in: &document, where_: where_) { parent throws(PatchError) in
      switch parent {
      case .object(var map):
        guard let value = map.removeValue(forKey: last) else { throw PatchError("\(where_): path not found") }
        removed = value
        parent = .object(map)
      case .array(var items):
        guard let i = Int(last), items.indices.contains(i) else { throw PatchError("\(where_): path not found") }
        removed = items.remove(at: i)
        parent = .array(items)
      default:
        throw PatchError("\(where_): path not found")
      }
    }
    return removed
  }

  private static func modifyParent(
    of pointer: [String], in document: inout Value, where_: String,
    _ body: (inout Value) throws(PatchError) -> Void
  ) throws(PatchError) {
    try descend(&document, pointer.dropLast()[...], where_: where_, body)
  }

  private static func descend(
    _ value: inout Value, _ tokens: ArraySlice<String>, where_: String,
    _ body: (inout Value) throws(PatchError) -> Void
  ) throws(PatchError) {
    guard let token = tokens.first else {
      try body(&value)
      return
    }
    switch value {
    case .object(var map):
      guard var child = map[token] else { throw PatchError("\(where_): path not found") }
      try descend(&child, tokens.dropFirst(), where_: where_, body)
      map[token] = child
      value = .object(map)
    case .array(var items):
      guard let i = Int(token), items.indices.contains(i) else { throw PatchError("\(where_): path not found") }
      try descend(&items[i], tokens.dropFirst(), where_: where_, body)
      value = .array(items)
    default:
      throw PatchError("\(where_): path not found")
    }
  }
}
