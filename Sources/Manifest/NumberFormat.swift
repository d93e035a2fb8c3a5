/// Numbers as kustomize prints them. Its output takes a JSON round trip (so a float with an
/// integral value, `1.0`, comes out as `1`) and then Go's `strconv.FormatFloat(f, 'g', -1, 64)`
/// (shortest digits; exponent form below 1e-4 or from 1e6 up, written `1e+06`).
public enum NumberFormat {
  static func float(_ d: Double) -> String {
    if d.isFinite, d == d.rounded(), abs(d) < 9.2e18 { return String(Int64(d)) }
    return yamlFloat(d)
  }

  /// A float64 as go-yaml v3 writes it: Go's `strconv.FormatFloat(f, 'g', -1, 64)` (31 is
  /// "31", 1e6 is "1e+06"), infinities and NaN as `.inf`/`.nan`.
  public static func yamlFloat(_ d: Double) -> String {
    if d.isNaN { return ".nan" }
    if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
    if d == 0 { return d.sign == .minus ? "-0" : "0" }
    let (negative, digits, pointPosition) = shortestDigits(d)
    let exponent = pointPosition - 1
    var out = negative ? "-" : ""
    if exponent < -4 || exponent >= 6 {
      out += String(digits.first ?? "0")
      if digits.count > 1 { out += "." + digits.dropFirst() }
      out += exponent < 0 ? "e-" : "e+"
      let magnitude = abs(exponent)
      out += magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
      return out
    }
    if pointPosition <= 0 {
      out += "0." + String(repeating: "0", count: -pointPosition) + digits
    } else if pointPosition >= digits.count {
      out += digits + String(repeating: "0", count: pointPosition - digits.count)
    } else {
      let split = digits.index(digits.startIndex, offsetBy: pointPosition)
      out += digits[..<split] + "." + digits[split...]
    }
    return out
  }

  /// A float64 as Go's `encoding/json` writes it: plain decimals from 1e-6 up to 1e21, else
  /// exponent form with the shortest exponent (`1e-7`, `1e+21`).
  public static func jsonFloat(_ d: Double) -> String {
    guard d.isFinite else { return yamlFloat(d) }
    if d == 0 { return d.sign == .minus ? "-0" : "0" }
    let (negative, digits, pointPosition) = shortestDigits(d)
    var out = negative ? "-" : ""
    if abs(d) < 1e-6 || abs(d) >= 1e21 {
      let exponent = pointPosition - 1
      out += String(digits.first ?? "0")
      if digits.count > 1 { out += "." + digits.dropFirst() }
      out += (exponent < 0 ? "e-" : "e+") + String(abs(exponent))
      return out
    }
    if pointPosition <= 0 {
      out += "0." + String(repeating: "0", count: -pointPosition) + digits
    } else if pointPosition >= digits.count {
      out += digits + String(repeating: "0", count: pointPosition - digits.count)
    } else {
      let split = digits.index(digits.startIndex, offsetBy: pointPosition)
      out += digits[..<split] + "." + digits[split...]
    }
    return out
  }

  /// Shortest round-trip decimal digits of `d` (Swift's description is shortest too) and the
  /// position of the decimal point relative to the first digit.
  private static func shortestDigits(_ d: Double) -> (Bool, String, Int) {
    var text = "\(abs(d))"
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      exponent = Int(text[text.index(after: e)...]) ?? 0
      text = String(text[..<e])
    }
    var intPart = text
    var fracPart = ""
    if let dot = text.firstIndex(of: ".") {
      intPart = String(text[..<dot])
      fracPart = String(text[text.index(after: dot)...])
    }
    var digits = intPart + fracPart
    var point = intPart.count + exponent
    while digits.hasPrefix("0") && digits.count > 1 {
      digits.removeFirst()
      point -= 1
    }
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    return (d < 0, digits, point)
  }
}
