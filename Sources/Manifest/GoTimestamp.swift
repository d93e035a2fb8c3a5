/// go-yaml's reading of a plain scalar as a timestamp (both v2 and v3): Go's `time.Parse` with
/// its four layouts, `2006-1-2T15:4:5.999999999Z07:00` (also with a lower-case `t`),
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`. kustomize's output then writes such a value as
/// Go's JSON writes a time (RFC 3339, nanoseconds without trailing zeros, `Z` for UTC), and
/// quotes a string that would read as one. Anything else, `2024-02-30` included, stays a string.
enum GoTimestamp {
  struct Parsed: Equatable {
    var year, month, day, hour, minute, second, nanosecond: Int
    /// Seconds east of UTC.
    var offset: Int
  }

  /// The timestamp as Go's JSON writes it, when `text` is one.
  static func normalized(_ text: String) -> String? { parse(text).map(format) }

  static func parse(_ text: String) -> Parsed? {
    let bytes = Array(text.utf8)
    // go-yaml's quick check: four digits, then '-'.
    guard bytes.count > 4, bytes[0..<4].allSatisfy(isDigit), bytes[4] == UInt8(ascii: "-") else { return nil }
    for separator in [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " "), nil] {
      if let parsed = parse(bytes, separator: separator) { return parsed }
    }
    return nil
  }

  /// One layout: the date, then (unless `separator` is nil) the separator, the time and, for
  /// `T`/`t`, a zone.
  private static func parse(_ bytes: [UInt8], separator: UInt8?) -> Parsed? {
    var scanner = Scanner(bytes: bytes)
    guard let year = scanner.fixedNumber(digits: 4), scanner.take(UInt8(ascii: "-")),
      let month = scanner.shortNumber(), scanner.take(UInt8(ascii: "-")), let day = scanner.shortNumber()
    else { return nil }
    var parsed = Parsed(year: year, month: month, day: day, hour: 0, minute: 0, second: 0, nanosecond: 0, offset: 0)
    if let separator {
      guard scanner.take(separator), let hour = scanner.shortNumber(), scanner.take(UInt8(ascii: ":")),
        let minute = scanner.shortNumber(), scanner.take(UInt8(ascii: ":")), let second = scanner.shortNumber()
      else { return nil }
      parsed.hour = hour
      parsed.minute = minute
      parsed.second = second
      parsed.nanosecond = scanner.fraction()
      if separator != UInt8(ascii: " ") {
        guard let offset = scanner.zone() else { return nil }
        parsed.offset = offset
      }
    }
    guard scanner.atEnd, (1...12).contains(parsed.month), parsed.day >= 1, parsed.day <= daysIn(parsed.month, parsed.year),
      parsed.hour < 24, parsed.minute < 60, parsed.second < 60
    else { return nil }
    return parsed
  }

  static func format(_ t: Parsed) -> String {
    func pad(_ n: Int, _ width: Int) -> String {
      let digits = String(n)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    var out = "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))T\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))"
    if t.nanosecond > 0 {
      var fraction = pad(t.nanosecond, 9)
      while fraction.hasSuffix("0") { fraction.removeLast() }
      out += "." + fraction
    }
    if t.offset == 0 {
      out += "Z"
    } else {
      let magnitude = abs(t.offset)
      out += (t.offset < 0 ? "-" : "+") + pad(magnitude / 3600, 2) + ":" + pad(magnitude % 3600 / 60, 2)
    }
    return out
  }

  private static func daysIn(_ month: Int, _ year: Int) -> Int {
    switch month {
    case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  /// Go's `time.Parse` field by field over the text's bytes.
  private struct Scanner {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
      guard index < bytes.count, bytes[index] == byte else { return false }
      index += 1
      return true
    }

    mutating func fixedNumber(digits: Int) -> Int? {
      guard index + digits <= bytes.count, bytes[index..<index + digits].allSatisfy(GoTimestamp.isDigit) else { return nil }
      defer { index += digits }
      return bytes[index..<index + digits].reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// One or two digits, as Go reads `1`, `2`, `15`, `4` and `5` in a layout.
    mutating func shortNumber() -> Int? {
      guard index < bytes.count, GoTimestamp.isDigit(bytes[index]) else { return nil }
      var value = Int(bytes[index] - 0x30)
      index += 1
      if index < bytes.count, GoTimestamp.isDigit(bytes[index]) {
        value = value * 10 + Int(bytes[index] - 0x30)
        index += 1
      }
      return value
    }

    /// `.999999999`: a period or comma and any number of digits (the first nine count), or none.
    mutating func fraction() -> Int {
      guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ","),
        GoTimestamp.isDigit(bytes[index + 1])
      else { return 0 }
      index += 1
      var digits: [UInt8] = []
      while index < bytes.count, GoTimestamp.isDigit(bytes[index]) {
        digits.append(bytes[index])
        index += 1
      }
      let nine = digits.prefix(9) + Array(repeating: UInt8(ascii: "0"), count: max(0, 9 - digits.count))
      return nine.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// `Z07:00`: `Z`, or a sign, two digits, a colon and two digits; seconds east of UTC.
    mutating func zone() -> Int? {
      if take(UInt8(ascii: "Z")) { return 0 }
      guard index + 6 <= bytes.count, bytes[index + 3] == UInt8(ascii: ":") else { return nil }
      let sign = bytes[index]
      guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
      index += 1
      guard let hours = fixedNumber(digits: 2), take(UInt8(ascii: ":")), let minutes = fixedNumber(digits: 2),
        hours <= 24, minutes <= 60
      else { return nil }
      let offset = hours * 3600 + minutes * 60
      return sign == UInt8(ascii: "-") ? -offset : offset
    }
  }
}
