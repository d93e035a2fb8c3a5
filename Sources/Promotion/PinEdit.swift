internal import Yams

/// Changes scalars of a YAML text in place: only the characters of each value change, so
/// comments, key order, indentation and quoting stay as the author wrote them.
public enum PinEdit {
  public struct Change: Sendable, Equatable {
    public var line: Int
    public var column: Int
    /// The scalar's new value (its text; quoted as the old one was, or when it must be).
    public var value: String

    public init(line: Int, column: Int, value: String) {
      self.line = line
      self.column = column
      self.value = value
    }
  }

  /// A key added to a mapping after its last value (`digest:` to an `images` entry that has
  /// none): on a line of its own at the keys' indentation, or inside the braces of a flow map.
  public struct Addition: Sendable, Equatable {
    public var after: PinSet.EntryEnd
    public var key: String
    public var value: String

    public init(after: PinSet.EntryEnd, key: String, value: String) {
      self.after = after
      self.key = key
      self.value = value
    }
  }

  public static func apply(_ changes: [Change], adding additions: [Addition] = [], to text: String, file: String) throws(PromotionError) -> String {
    var lines = text.components(separatedBy: "\n")
    // Right to left within a line, so earlier columns stay valid.
    for change in changes.sorted(by: { ($0.line, $0.column) > ($1.line, $1.column) }) {
      guard change.line >= 1, change.line <= lines.count else { throw PromotionError.badFile(file, "line \(change.line) is out of range") }
      var scalars = Array(lines[change.line - 1].unicodeScalars)
      let start = change.column - 1
      guard start >= 0, start < scalars.count else { throw PromotionError.badFile(file, "line \(change.line): column \(change.column) is out of range") }
      let (end, style) = try extent(of: scalars, from: start, file: file, line: change.line)
      let replacement = render(change.value, like: style)
      scalars.replaceSubrange(start..<end, with: replacement.unicodeScalars)
      var rebuilt = String.UnicodeScalarView()
      rebuilt.append(contentsOf: scalars)
      lines[change.line - 1] = String(rebuilt)
    }
    // After the changes (which keep every line where it is), bottom up, so a new line does
    // not move the anchors of additions above it. A changed last value still starts at its
    // column, so its extent is read again here.
    for addition in additions.sorted(by: { ($0.after.line, $0.after.column) > ($1.after.line, $1.after.column) }) {
      let anchor = addition.after
      guard anchor.line >= 1, anchor.line <= lines.count else { throw PromotionError.badFile(file, "line \(anchor.line) is out of range") }
      let written = addition.key + ": " + render(addition.value, like: .plain)
      if anchor.flow {
        var scalars = Array(lines[anchor.line - 1].unicodeScalars)
        guard anchor.column >= 1, anchor.column <= scalars.count else {
          throw PromotionError.badFile(file, "line \(anchor.line): column \(anchor.column) is out of range")
        }
        let (end, _) = try extent(of: scalars, from: anchor.column - 1, file: file, line: anchor.line)
        scalars.insert(contentsOf: (", " + written).unicodeScalars, at: end)
        var rebuilt = String.UnicodeScalarView()
        rebuilt.append(contentsOf: scalars)
        lines[anchor.line - 1] = String(rebuilt)
      } else {
        lines.insert(String(repeating: " ", count: max(0, anchor.keyColumn - 1)) + written, at: anchor.line)
      }
    }
    return lines.joined(separator: "\n")
  }

  enum Style { case plain, single, double }

  /// Where the scalar starting at `start` ends, and how it is quoted. Block scalars (`|`, `>`)
  /// are refused: a pin is one line.
  static func extent(of line: [Unicode.Scalar], from start: Int, file: String, line number: Int) throws(PromotionError) -> (Int, Style) {
    switch line[start] {
    case "\"":
      var i = start + 1
      while i < line.count {
        if line[i] == "\\" { i += 2; continue }
        if line[i] == "\"" { return (i + 1, .double) }
        i += 1
      }
    case "'":
      var i = start + 1
      while i < line.count {
        if line[i] == "'" {
          if i + 1 < line.count && line[i + 1] == "'" { i += 2; continue }
          return (i + 1, .single)
        }
        i += 1
      }
    case "|", ">":
      throw PromotionError.badFile(file, "line \(number): a block scalar cannot be pinned in place")
    default:
      var end = start
      while end < line.count {
        let c = line[end]
        if c == "," || c == "}" || c == "]" { break }
        if c == "#" && end > start && (line[end - 1] == " " || line[end - 1] == "\t") { break }
        end += 1
      }
      while end > start && (line[end - 1] == " " || line[end - 1] == "\t") { end -= 1 }
      return (end, .plain)
    }
    throw PromotionError.badFile(file, "line \(number): unterminated quoted scalar")
  }

  /// The value written as the old one was; plain only where YAML reads it back as this string.
  static func render(_ value: String, like style: Style) -> String {
    switch style {
    case .single: return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    case .double: return doubleQuoted(value)
    case .plain: return readsBackAsString(value) ? value : doubleQuoted(value)
    }
  }

  static func doubleQuoted(_ value: String) -> String {
    "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  static func readsBackAsString(_ value: String) -> Bool {
    guard !value.isEmpty, !value.contains(": "), !value.contains(" #"), !value.hasPrefix(" "), !value.hasSuffix(" "),
      let first = value.unicodeScalars.first, !"!&*?[]{}|>'\"%@`,#".unicodeScalars.contains(first)
    else { return false }
    guard let node = try? Yams.compose(yaml: "v: " + value), let scalar = node.mapping?["v"]?.scalar else { return false }
    // A plain scalar that resolves to a bool, number or null would change type.
    return scalar.string == value && (try? Yams.load(yaml: "v: " + value) as? [String: String])?["v"] == value
  }
}
