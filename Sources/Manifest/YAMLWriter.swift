/// Writes values in kustomize's output style (go-yaml v2): keys sorted naturally, two-space
/// indentation, sequences not indented under their key, long scalars folded past column 80.
/// The same value always gives the same bytes.
public enum YAMLWriter {
  /// One document, ending in a newline.
  public static func string(_ value: Value) -> String {
    var out = Output()
    out.writeDocument(value)
    return out.text
  }

  /// Documents separated by `---`, as `kustomize build` prints a stream.
  public static func documents(_ values: [Value]) -> String {
    var out = Output()
    for (i, value) in values.enumerated() {
      if i > 0 { out.text += "---\n" }
      out.writeDocument(value)
    }
    return out.text
  }

  static let bestWidth = 80

  struct Output {
    var text = ""
    /// Column of the next character, in Unicode scalars as libyaml counts them.
    var column = 0

    mutating func put(_ s: String) {
      text += s
      if let lastBreak = s.lastIndex(of: "\n") {
        column = s[s.index(after: lastBreak)...].unicodeScalars.count
      } else {
        column += s.unicodeScalars.count
      }
    }

    mutating func newline() { put("\n") }

    mutating func writeDocument(_ value: Value) {
      column = 0
      switch value {
      case .object(let o) where !o.isEmpty:
        writeMap(o.elements.map { ($0.key, $0.value) }, indent: 0, continuingLine: false)
      case .array(let a) where !a.isEmpty:
        writeSequence(a, indent: 0, continuingLine: false)
      default:
        writeScalarOrEmpty(value, indent: 0)
        newline()
      }
    }

    /// `continuingLine`: the first key goes on the current line (after "- ").
    mutating func writeMap(_ pairs: [(String, Value)], indent: Int, continuingLine: Bool) {
      let sorted = pairs.sorted { KeyOrder.less($0.0, $1.0) }
      for (i, (key, value)) in sorted.enumerated() {
        if i > 0 || !continuingLine { put(String(repeating: " ", count: indent)) }
        writeKey(key)
        put(":")
        switch value {
        case .object(let o) where !o.isEmpty:
          newline()
          writeMap(o.elements.map { ($0.key, $0.value) }, indent: indent + 2, continuingLine: false)
        case .array(let a) where !a.isEmpty:
          newline()
          writeSequence(a, indent: indent, continuingLine: false)
        default:
          put(" ")
          writeScalarOrEmpty(value, indent: indent + 2)
          newline()
        }
      }
    }

    mutating func writeSequence(_ items: [Value], indent: Int, continuingLine: Bool) {
      for (i, item) in items.enumerated() {
        if i > 0 || !continuingLine { put(String(repeating: " ", count: indent)) }
        put("- ")
        switch item {
        case .object(let o) where !o.isEmpty:
          writeMap(o.elements.map { ($0.key, $0.value) }, indent: indent + 2, continuingLine: true)
        case .array(let a) where !a.isEmpty:
          writeSequence(a, indent: indent + 2, continuingLine: true)
        default:
          writeScalarOrEmpty(item, indent: indent + 2)
          newline()
        }
      }
    }

    mutating func writeKey(_ key: String) {
      switch ScalarStyle.choose(for: key, isKey: true) {
      case .plain: put(key)
      case .singleQuoted: writeSingleQuoted(key, indent: 0, allowBreaks: false)
      case .doubleQuoted, .literal: writeDoubleQuoted(key, indent: 0, allowBreaks: false)
      }
    }

    /// `indent` is where folded continuation lines and block-literal lines start.
    mutating func writeScalarOrEmpty(_ value: Value, indent: Int) {
      switch value {
      case .null: put("null")
      case .bool(let b): put(b ? "true" : "false")
      case .int(let i): put(String(i))
      case .float(let d): put(NumberFormat.float(d))
      case .object: put("{}")
      case .array: put("[]")
      case .string(let s):
        switch ScalarStyle.choose(for: s, isKey: false) {
        case .plain: writePlain(s, indent: indent)
        case .singleQuoted: writeSingleQuoted(s, indent: indent, allowBreaks: true)
        case .doubleQuoted: writeDoubleQuoted(s, indent: indent, allowBreaks: true)
        case .literal: writeLiteral(s, indent: indent)
        }
      }
    }

    mutating func writeIndentBreak(_ indent: Int) {
      newline()
      put(String(repeating: " ", count: indent))
    }

    mutating func writePlain(_ s: String, indent: Int) {
      let chars = Array(s.unicodeScalars)
      var spaces = false
      var buffer = ""
      for (i, c) in chars.enumerated() {
        if c == " " {
          let nextIsSpace = i + 1 < chars.count && chars[i + 1] == " "
          if !spaces && column + buffer.unicodeScalars.count > YAMLWriter.bestWidth && !nextIsSpace {
            put(buffer)
            buffer = ""
            writeIndentBreak(indent)
          } else {
            buffer.unicodeScalars.append(c)
          }
          spaces = true
        } else {
          buffer.unicodeScalars.append(c)
          spaces = false
        }
      }
      put(buffer)
    }

    mutating func writeSingleQuoted(_ s: String, indent: Int, allowBreaks: Bool) {
      put("'")
      let chars = Array(s.unicodeScalars)
      var spaces = false
      for (i, c) in chars.enumerated() {
        if c == " " {
          let nextIsSpace = i + 1 < chars.count && chars[i + 1] == " "
          if allowBreaks && !spaces && column > YAMLWriter.bestWidth && i != 0 && i != chars.count - 1
            && !nextIsSpace
          {
            writeIndentBreak(indent)
          } else {
            put(" ")
          }
          spaces = true
        } else {
          put(c == "'" ? "''" : String(c))
          spaces = false
        }
      }
      put("'")
    }

    mutating func writeDoubleQuoted(_ s: String, indent: Int, allowBreaks: Bool) {
      put("\"")
      let chars = Array(s.unicodeScalars)
      var spaces = false
      for (i, c) in chars.enumerated() {
        let v = c.value
        if !ScalarStyle.Analysis.isPrintable(c) || v == 0xFEFF || ScalarStyle.Analysis.isBreak(c)
          || c == "\"" || c == "\\"
        {
          put(Self.escape(c))
          spaces = false
        } else if c == " " {
          if allowBreaks && !spaces && column > YAMLWriter.bestWidth && i != 0 && i != chars.count - 1 {
            writeIndentBreak(indent)
            if i + 1 < chars.count && chars[i + 1] == " " { put("\\") }
          } else {
            put(" ")
          }
          spaces = true
        } else {
          put(String(c))
          spaces = false
        }
      }
      put("\"")
    }

    static func escape(_ c: Unicode.Scalar) -> String {
      switch c.value {
      case 0x00: return "\\0"
      case 0x07: return "\\a"
      case 0x08: return "\\b"
      case 0x09: return "\\t"
      case 0x0A: return "\\n"
      case 0x0B: return "\\v"
      case 0x0C: return "\\f"
      case 0x0D: return "\\r"
      case 0x1B: return "\\e"
      case 0x22: return "\\\""
      case 0x5C: return "\\\\"
      case 0x85: return "\\N"
      case 0xA0: return "\\_"
      case 0x2028: return "\\L"
      case 0x2029: return "\\P"
      default:
        let hex = String(c.value, radix: 16, uppercase: true)
        if c.value <= 0xFF { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
        if c.value <= 0xFFFF { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
      }
    }

    /// `|`, `|-` or `|+` by the trailing newlines, with an indentation hint when the text
    /// starts with a space or newline (libyaml's block scalar hints).
    mutating func writeLiteral(_ s: String, indent: Int) {
      var header = "|"
      if let first = s.unicodeScalars.first, first == " " || first == "\n" { header += "2" }
      if !s.hasSuffix("\n") {
        header += "-"
      } else if s == "\n" || s.dropLast().hasSuffix("\n") {
        header += "+"
      }
      put(header)
      var lines = s.split(separator: "\n", omittingEmptySubsequences: false)
      if s.hasSuffix("\n") { lines.removeLast() }
      for line in lines {
        newline()
        if !line.isEmpty { put(String(repeating: " ", count: indent) + line) }
      }
    }
  }
}

extension YAMLWriter {
  /// The plain text of a scalar as it would be written, for messages.
  public static func scalarText(_ value: Value) -> String {
    var out = Output()
    out.writeScalarOrEmpty(value, indent: 0)
    return out.text
  }
}
