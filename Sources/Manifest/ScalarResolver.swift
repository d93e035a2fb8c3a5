internal import Foundation

/// How a plain (unquoted) scalar is typed on input (go-yaml v3, which kustomize reads with),
/// and whether a string would be mistaken for another type on output (go-yaml v2's YAML 1.1
/// rules, which kustomize writes with) and so must be quoted.
public enum ScalarResolver {
  public static func resolvePlain(_ s: String) -> Value {
    if isNull(s) { return .null }
    if let b = bool(s) { return .bool(b) }
    if let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
      || first == UInt8(ascii: ".") || (first >= 0x30 && first <= 0x39)
    {
      if let i = int(s) { return .int(i) }
      if let d = float(s) { return .float(d) }
      if let t = timestamp(s) { return .string(t) }
    }
    return .string(s)
  }

  /// go-yaml v2's reading of a plain scalar (YAML 1.1 booleans; underscores anywhere in a
  /// number; no timestamp conversion, no base 60), as kustomize reads kustomization.yaml.
  public static func resolvePlainYAML11(_ s: String) -> Value {
    if isNull(s) { return .null }
    if let b = bool(s) ?? yaml11Bool(s) { return .bool(b) }
    if let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
      || first == UInt8(ascii: ".") || (first >= 0x30 && first <= 0x39)
    {
      let plain = s.contains("_") ? s.replacingOccurrences(of: "_", with: "") : s
      if let i = int(plain) { return .int(i) }
      if let d = float(plain) ?? float(s) { return .float(d) }
    }
    return .string(s)
  }

  static func yaml11Bool(_ s: String) -> Bool? {
    switch s {
    case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON": return true
    case "n", "N", "no", "No", "NO", "off", "Off", "OFF": return false
    default: return nil
    }
  }

  static func isNull(_ s: String) -> Bool {
    s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
  }

  static func bool(_ s: String) -> Bool? {
    switch s {
    case "true", "True", "TRUE": return true
    case "false", "False", "FALSE": return false
    default: return nil
    }
  }

  /// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, 0x/0o/0b prefixes, a leading 0 for
  /// octal, and underscores between digits when a base prefix (or leading 0) is used.
  static func int(_ s: String) -> Int64? {
    var body = Substring(s)
    var negative = false
    if body.first == "-" || body.first == "+" {
      negative = body.first == "-"
      body = body.dropFirst()
    }
    guard !body.isEmpty else { return nil }
    var radix = 10
    var underscoresAllowed = false
    let lower = body.lowercased()
    if lower.hasPrefix("0x") {
      radix = 16; body = body.dropFirst(2); underscoresAllowed = true
    } else if lower.hasPrefix("0o") {
      radix = 8; body = body.dropFirst(2); underscoresAllowed = true
    } else if lower.hasPrefix("0b") {
      radix = 2; body = body.dropFirst(2); underscoresAllowed = true
    } else if body.count > 1 && body.first == "0" {
      radix = 8; body = body.dropFirst(); underscoresAllowed = true
    } else {
      underscoresAllowed = true  // base 0 in Go accepts 1_000
    }
    if body.contains("_") {
      guard underscoresAllowed, body.first != "_", body.last != "_", !body.contains("__") else {
        return nil
      }
      body = Substring(body.replacingOccurrences(of: "_", with: ""))
    }
    guard !body.isEmpty, let magnitude = UInt64(body, radix: radix) else { return nil }
    if negative {
      if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
      guard magnitude <= UInt64(Int64.max) else { return nil }
      return -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { return nil }
    return Int64(magnitude)
  }

  /// YAML float syntax as go-yaml accepts it: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
  /// plus .inf/.nan spellings. Out-of-range values are not floats (they stay strings).
  static func float(_ s: String) -> Double? {
    switch s {
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
    case "-.inf", "-.Inf", "-.INF": return -.infinity
    case ".nan", ".NaN", ".NAN": return .nan
    default: break
    }
    let bytes = Array(s.utf8)
    var i = 0
    func digits() -> Int {
      let start = i
      while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
      return i - start
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      i += 1
      guard digits() > 0 else { return nil }
    } else {
      guard digits() > 0 else { return nil }
      if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
        i += 1
        _ = digits()
      }
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      i += 1
      if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
      guard digits() > 0 else { return nil }
    }
    guard i == bytes.count, let d = Double(s), d.isFinite else { return nil }
    return d
  }

  /// A YAML timestamp becomes an RFC 3339 string, as kustomize's JSON round trip turns it into one.
  /// Whether a YAML file could have held `s` unquoted (see `ScalarStyle.canBePlain`).
  public static func canBePlain(_ s: String) -> Bool { ScalarStyle.canBePlain(s) }

  /// A timestamp as kustomize writes it (`2024-01-01 10:00:00` is "2024-01-01T10:00:00Z").
  static func timestamp(_ s: String) -> String? { GoTimestamp.normalized(s) }

  /// True when go-yaml v2 would read `s`, written plain, as something other than a string:
  /// then kustomize's output double-quotes it ("yes", "8192", "1:20", "2024-01-01").
  public static func needsQuotesForYAML11(_ s: String) -> Bool {
    if isNull(s) { return true }
    switch s {
    case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
      "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF":
      return true
    default: break
    }
    guard let first = s.utf8.first else { return true }
    let numericStart =
      first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
      || (first >= 0x30 && first <= 0x39)
    guard numericStart else { return false }
    if int(s) != nil || float(s) != nil { return true }
    if s.lowercased().hasPrefix("0b") || s.contains("_") {
      if int(s.replacingOccurrences(of: "_", with: "")) != nil { return true }
    }
    if isBase60(s) || GoTimestamp.parse(s) != nil { return true }
    return false
  }

  /// YAML 1.1 sexagesimal numbers such as `1:20` or `190:20:30.15`.
  static func isBase60(_ s: String) -> Bool {
    var body = Substring(s)
    if body.first == "-" || body.first == "+" { body = body.dropFirst() }
    let parts = body.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 2, let head = parts.first, !head.isEmpty, head.allSatisfy(\.isASCIIDigit),
      head.first != "0" || head.count == 1
    else { return false }
    for (index, part) in parts.dropFirst().enumerated() {
      let isLast = index == parts.count - 2
      let digitsPart = isLast ? part.split(separator: ".", maxSplits: 1).first ?? "" : part
      guard digitsPart.count >= 1, digitsPart.count <= 2, digitsPart.allSatisfy(\.isASCIIDigit) else {
        return false
      }
      if let first = digitsPart.first, digitsPart.count == 2, first > "5" { return false }
      if !isLast && part.contains(".") { return false }
    }
    return true
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
