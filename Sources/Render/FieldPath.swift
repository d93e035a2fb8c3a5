public import Manifest

/// kustomize's dotted field paths: `spec.template.spec.containers.[name=web].image`,
/// `metadata.annotations.[example.com/key]` (brackets protect dots), `containers.0.image`
/// (a list index) and `*` (every list element).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
  public enum Segment: Sendable, Hashable {
    case key(String)
    case index(Int)
    case match(field: String, value: String)
    case all
  }

  public var segments: [Segment]
  public let description: String

  public init(parsing text: String) throws(PatchError) {
    description = text
    var segments: [Segment] = []
    var current = ""
    var inBracket = false
    var tokens: [(String, Bool)] = []
    for c in text {
      if c == "[" && current.isEmpty && !inBracket {
        inBracket = true
      } else if c == "]" && inBracket {
        inBracket = false
        tokens.append((current, true))
        current = ""
      } else if c == "." && !inBracket {
        if !current.isEmpty { tokens.append((current, false)) }
        current = ""
      } else {
        current.append(c)
      }
    }
    if inBracket { throw PatchError("field path \(text): unclosed [") }
    if !current.isEmpty { tokens.append((current, false)) }
    for (token, bracketed) in tokens {
      if bracketed, let eq = token.firstIndex(of: "=") {
        segments.append(.match(field: String(token[..<eq]), value: String(token[token.index(after: eq)...])))
      } else if bracketed {
        segments.append(.key(token))
      } else if token == "*" {
        segments.append(.all)
      } else if let i = Int(token) {
        segments.append(.index(i))
      } else {
        segments.append(.key(token))
      }
    }
    guard !segments.isEmpty else { throw PatchError("empty field path") }
    self.segments = segments
  }

  /// Every value the path reaches.
  public func values(in object: Value) -> [Value] {
    var found: [Value] = []
    var copy = object
    _ = visit(&copy, segments[...], create: false, existed: true) { value, _ in found.append(value) }
    return found
  }

  /// Replaces every value the path reaches; returns how many were set. With `create`,
  /// missing map keys (and `[field=value]` elements) are created.
  @discardableResult
  /// `transform` gets the field's value, or nil when `create` is making the field.
  public func set(in object: inout Value, create: Bool, _ transform: (Value?) throws(PatchError) -> Value) throws(PatchError)
    -> Int
  {
    var failure: PatchError?
    let count = visit(&object, segments[...], create: create, existed: true) { value, existed in
      do throws(PatchError) {
        // Spelled out: Value is ExpressibleByNilLiteral, so a bare nil here would be .null.
        value = try transform(existed ? Optional(value) : Optional<Value>.none)
      } catch {
        failure = error
      }
    }
    if let failure { throw failure }
    return count
  }

  private func visit(
    _ value: inout Value, _ rest: ArraySlice<Segment>, create: Bool, existed: Bool, _ body: (inout Value, Bool) -> Void
  ) -> Int {
    guard let segment = rest.first else {
      body(&value, existed)
      return 1
    }
    let tail = rest.dropFirst()
    switch segment {
    case .key(let key):
      guard case .object(var map) = value else {
        if create && value.isNull {
          var child: Value = .null
          let n = visit(&child, tail, create: create, existed: false, body)
          value = .object([key: child])
          return n
        }
        return 0
      }
      var child: Value
      var childExisted = existed
      if let existing = map[key] {
        child = existing
      } else if create {
        child = .null
        childExisted = false
      } else {
        return 0
      }
      let n = visit(&child, tail, create: create, existed: childExisted, body)
      if n > 0 { map[key] = child }
      value = .object(map)
      return n
    case .index(let i):
      guard case .array(var items) = value, items.indices.contains(i) else { return 0 }
      let n = visit(&items[i], tail, create: create, existed: existed, body)
      value = .array(items)
      return n
    case .all:
      guard case .array(var items) = value else { return 0 }
      var n = 0
      for i in items.indices { n += visit(&items[i], tail, create: create, existed: existed, body) }
      value = .array(items)
      return n
    case .match(let field, let expected):
      guard case .array(var items) = value else { return 0 }
      var n = 0
      for i in items.indices where Self.scalarText(items[i][field]) == expected {
        n += visit(&items[i], tail, create: create, existed: existed, body)
      }
      if n == 0 && create {
        var element: Value = [field: .string(expected)]
        n = visit(&element, tail, create: create, existed: false, body)
        items.append(element)
      }
      value = .array(items)
      return n
    }
  }

  static func scalarText(_ value: Value?) -> String? {
    guard let value else { return nil }
    if let s = value.stringValue { return s }
    return YAMLWriter.scalarText(value)
  }
}
