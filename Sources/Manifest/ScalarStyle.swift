/// How a string is written, chosen as go-yaml v2 (libyaml's emitter) chooses for kustomize:
/// plain when unambiguous, double quotes when YAML 1.1 would read it as another type,
/// single quotes when YAML syntax characters forbid plain, literal blocks for multi-line text.
enum ScalarStyle: Equatable {
  case plain, singleQuoted, doubleQuoted, literal

  /// Whether a YAML file could have held `s` unquoted, as a plain scalar that go-yaml v3 reads
  /// back as that same string; when not, it was written quoted or as a block scalar.
  static func canBePlain(_ s: String) -> Bool {
    !s.isEmpty && Analysis(s).blockPlainAllowed && ScalarResolver.resolvePlain(s) == .string(s)
  }

  static func choose(for s: String, isKey: Bool) -> ScalarStyle {
    let analysis = Analysis(s)
    if s.contains("\n") && !isKey {
      return analysis.blockAllowed ? .literal : .doubleQuoted
    }
    if ScalarResolver.needsQuotesForYAML11(s) { return .doubleQuoted }
    if analysis.blockPlainAllowed && !s.isEmpty { return .plain }
    return analysis.singleQuotedAllowed ? .singleQuoted : .doubleQuoted
  }

  /// libyaml's yaml_emitter_analyze_scalar, reduced to the block-context flags we need.
  struct Analysis {
    var blockPlainAllowed = true
    var singleQuotedAllowed = true
    var blockAllowed = true

    init(_ s: String) {
      let chars = Array(s.unicodeScalars)
      if chars.isEmpty {
        blockPlainAllowed = true
        singleQuotedAllowed = true
        blockAllowed = false
        return
      }
      var blockIndicators = false
      var lineBreaks = false, specialCharacters = false
      var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
      var breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false
      if s.hasPrefix("---") || s.hasPrefix("...") { blockIndicators = true }
      var precededByWhitespace = true
      for (i, c) in chars.enumerated() {
        let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
        let followedByWhitespace = next.map(Self.isBlank) ?? true
        if i == 0 {
          switch c {
          case "#", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`":
            blockIndicators = true
          case "?", ":":
            if followedByWhitespace { blockIndicators = true }
          case "-":
            if followedByWhitespace { blockIndicators = true }
          default: break
          }
        } else {
          switch c {
          case ":":
            if followedByWhitespace { blockIndicators = true }
          case "#":
            if precededByWhitespace { blockIndicators = true }
          default: break
          }
        }
        if !Self.isPrintable(c) { specialCharacters = true }
        if Self.isBreak(c) { lineBreaks = true }
        if c == " " {
          if i == 0 { leadingSpace = true }
          if i == chars.count - 1 { trailingSpace = true }
          if previousBreak { breakSpace = true }
          previousSpace = true
          previousBreak = false
        } else if Self.isBreak(c) {
          if i == 0 { leadingBreak = true }
          if i == chars.count - 1 { trailingBreak = true }
          if previousSpace { spaceBreak = true }
          previousBreak = true
          previousSpace = false
        } else {
          previousSpace = false
          previousBreak = false
        }
        precededByWhitespace = Self.isBlank(c) || Self.isBreak(c)
      }
      if leadingSpace || leadingBreak || trailingSpace || trailingBreak { blockPlainAllowed = false }
      if trailingSpace { blockAllowed = false }
      if breakSpace {
        blockPlainAllowed = false
        singleQuotedAllowed = false
      }
      if spaceBreak || specialCharacters {
        blockPlainAllowed = false
        singleQuotedAllowed = false
        blockAllowed = false
      }
      if lineBreaks { blockPlainAllowed = false }
      if blockIndicators { blockPlainAllowed = false }
    }

    static func isBlank(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || isBreak(c) }
    static func isBreak(_ c: Unicode.Scalar) -> Bool {
      c == "\n" || c == "\r" || c.value == 0x85 || c.value == 0x2028 || c.value == 0x2029
    }
    /// go-yaml v2's `is_printable`, which kustomize writes with: it looks at UTF-8 lead
    /// bytes only up to three bytes long, so NEL (U+0085) and everything past U+FFFF (emoji)
    /// count as special, and a string holding one is written double-quoted with escapes
    /// ("\U0001F680 launch"), as kubectl prints it.
    static func isPrintable(_ c: Unicode.Scalar) -> Bool {
      let v = c.value
      return v == 0x0A || (v >= 0x20 && v <= 0x7E) || (v >= 0xA0 && v <= 0xD7FF)
        || (v >= 0xE000 && v <= 0xFFFD && v != 0xFEFF)
    }
  }
}
