import OrderedCollections

/// JSON in and out of `Value`, keeping key order and the int/float distinction
/// (`1` is an int, `1.0` a float), which Foundation's JSONSerialization loses.
public enum JSON {
  /// Compact JSON, keys in the value's order (the API server's wire form).
  public static func string(_ value: Value) -> String {
    var out = ""
    write(value, into: &out, indent: nil, level: 0)
    return out
  }

  /// Indented with two spaces, as `kubectl get -o json` prints.
  public static func prettyString(_ value: Value) -> String {
    var out = ""
    write(value, into: &out, indent: "  ", level: 0)
    return out
  }

  public static func parse(_ text: String, file: String = "<json>") throws(ManifestError) -> Value {
    var parser = JSONParser(bytes: Array(text.utf8), file: file)
    return try parser.parseDocument()
  }

  public static func parse(bytes: [UInt8], file: String = "<json>") throws(ManifestError) -> Value {
    var parser = JSONParser(bytes: bytes, file: file)
    return try parser.parseDocument()
  }

  static func write(_ value: Value, into out: inout String, indent: String?, level: Int) {
    switch value {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .float(let d):
      if d.isFinite {
        out += d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
      } else {
        out += "null"
      }
    case .string(let s): writeString(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        newline(&out, indent: indent, level: level + 1)
        write(item, into: &out, indent: indent, level: level + 1)
      }
      newline(&out, indent: indent, level: level)
      out += "]"
    case .object(let object):
      if object.isEmpty {
        out += "{}"
        return
      }
      out += "{"
      for (i, (key, item)) in object.enumerated() {
        if i > 0 { out += "," }
        newline(&out, indent: indent, level: level + 1)
        writeString(key, into: &out)
        out += indent == nil ? ":" : ": "
        write(item, into: &out, indent: indent, level: level + 1)
      }
      newline(&out, indent: indent, level: level)
      out += "}"
    }
  }

  static func newline(_ out: inout String, indent: String?, level: Int) {
    guard let indent else { return }
    out += "\n"
    for _ in 0..<level { out += indent }
  }

  static func writeString(_ s: String, into out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}

/// Recursive-descent JSON parser over UTF-8 bytes.
struct JSONParser {
  let bytes: [UInt8]
  let file: String
  var index = 0

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  mutating func parseDocument() throws(ManifestError) -> Value {
    skipWhitespace()
    let value = try parseValue(depth: 0)
    skipWhitespace()
    guard index == bytes.count else { throw error("unexpected data after the JSON value") }
    return value
  }

  func error(_ message: String) -> ManifestError {
    var line = 1, column = 1
    for b in bytes[0..<min(index, bytes.count)] {
      if b == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return ManifestError(file: file, line: line, column: column, message: "invalid JSON: \(message)")
  }

  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  mutating func parseValue(depth: Int) throws(ManifestError) -> Value {
    guard depth < 512 else { throw error("nesting too deep") }
    guard index < bytes.count else { throw error("unexpected end of input") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
    case UInt8(ascii: "n"): try expectLiteral("null"); return .null
    default: return try parseNumber()
    }
  }

  mutating func expectLiteral(_ literal: String) throws(ManifestError) {
    let utf8 = Array(literal.utf8)
    guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
      throw error("unexpected character")
    }
    index += utf8.count
  }

  mutating func parseObject(depth: Int) throws(ManifestError) -> Value {
    index += 1
    var object = OrderedDictionary<String, Value>()
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(object)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
      index += 1
      skipWhitespace()
      object[key] = try parseValue(depth: depth + 1)
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of input in object") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(object)
      }
      throw error("expected ',' or '}'")
    }
  }

  mutating func parseArray(depth: Int) throws(ManifestError) -> Value {
    index += 1
    var items: [Value] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of input in array") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      throw error("expected ',' or ']'")
    }
  }

  mutating func parseString() throws(ManifestError) -> String {
    index += 1
    var runStart = index
    var result = ""
    while index < bytes.count {
      let b = bytes[index]
      if b == UInt8(ascii: "\"") {
        result += String(decoding: bytes[runStart..<index], as: UTF8.self)
        index += 1
        return result
      }
      if b == UInt8(ascii: "\\") {
        result += String(decoding: bytes[runStart..<index], as: UTF8.self)
        index += 1
        guard index < bytes.count else { break }
        let e = bytes[index]
        index += 1
        switch e {
        case UInt8(ascii: "\""): result += "\""
        case UInt8(ascii: "\\"): result += "\\"
        case UInt8(ascii: "/"): result += "/"
        case UInt8(ascii: "b"): result += "\u{08}"
        case UInt8(ascii: "f"): result += "\u{0C}"
        case UInt8(ascii: "n"): result += "\n"
        case UInt8(ascii: "r"): result += "\r"
        case UInt8(ascii: "t"): result += "\t"
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if code >= 0xD800 && code < 0xDC00, index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
          {
            index += 2
            let low = try parseHex4()
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          result.unicodeScalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
        default: throw error("invalid escape")
        }
        runStart = index
        continue
      }
      if b < 0x20 { throw error("control character in string") }
      index += 1
    }
    throw error("unterminated string")
  }

  mutating func parseHex4() throws(ManifestError) -> UInt32 {
    guard index + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
    else { throw error("invalid \\u escape") }
    index += 4
    return v
  }

  mutating func parseNumber() throws(ManifestError) -> Value {
    let start = index
    var isFloat = false
    if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
    while index < bytes.count {
      let b = bytes[index]
      if b >= 0x30 && b <= 0x39 {
        index += 1
      } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
        || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
      {
        isFloat = true
        index += 1
      } else {
        break
      }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    guard !text.isEmpty, text != "-" else { throw error("unexpected character") }
    if !isFloat, let i = Int64(text) { return .int(i) }
    guard let d = Double(text) else { throw error("invalid number \(text)") }
    return .float(d)
  }
}
