internal import Foundation

/// A point on the simulated cluster's virtual timeline, counted from a fixed epoch so
/// timestamps in objects are identical from run to run.
public struct SimInstant: Sendable, Hashable, Comparable, Codable, InstantProtocol {
  /// 2026-01-01T00:00:00Z in seconds since 1970.
  public static let epochUnixSeconds: Int64 = 1_767_225_600
  public static let zero = SimInstant(sinceEpoch: .zero)

  public var sinceEpoch: Duration

  public init(sinceEpoch: Duration) { self.sinceEpoch = sinceEpoch }

  public static func < (a: Self, b: Self) -> Bool { a.sinceEpoch < b.sinceEpoch }

  public func advanced(by d: Duration) -> SimInstant { SimInstant(sinceEpoch: sinceEpoch + d) }

  public func duration(to other: SimInstant) -> Duration { other.sinceEpoch - sinceEpoch }

  /// Whole seconds since the epoch: Kubernetes timestamps have one-second resolution.
  public var seconds: Int64 { sinceEpoch.components.seconds }

  /// Reads back what `rfc3339` writes, and a MicroTime's `.000000` fraction (dropped: one
  /// second is the resolution here).
  public static func parse(_ text: String) -> SimInstant? {
    var text = text
    if let dot = text.firstIndex(of: "."), text.hasSuffix("Z") { text = String(text[..<dot]) + "Z" }
    // Controllers read pods' Ready times on every pass: the UTC form the simulation writes is
    // read by arithmetic (a formatter per call was most of a rollout's CPU); others go to Foundation.
    if let seconds = utcSeconds(text) { return SimInstant(sinceEpoch: .seconds(seconds - epochUnixSeconds)) }
    let formatter = ISO8601DateFormatter()
    guard let date = formatter.date(from: text) else { return nil }
    let seconds = Int64(date.timeIntervalSince1970) - epochUnixSeconds
    return SimInstant(sinceEpoch: .seconds(seconds))
  }

  /// Seconds since 1970 of `YYYY-MM-DDTHH:MM:SSZ`, nil for any other shape.
  static func utcSeconds(_ text: String) -> Int64? {
    let bytes = Array(text.utf8)
    guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
      bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z")
    else { return nil }
    func number(_ from: Int, _ count: Int) -> Int64? {
      var value: Int64 = 0
      for byte in bytes[from..<(from + count)] {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int64(byte - UInt8(ascii: "0"))
      }
      return value
    }
    guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
      let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
      second < 60
    else { return nil }
    // Days from 1970-01-01 to the civil date (proleptic Gregorian; Howard Hinnant's days_from_civil).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return days * 86_400 + hour * 3_600 + minute * 60 + second
  }

  /// RFC 3339, as Kubernetes writes `creationTimestamp` ("2026-01-01T00:05:00Z"). By
  /// arithmetic, like `parse`: controllers stamp condition times on every pass.
  public var rfc3339: String {
    let total = Self.epochUnixSeconds + seconds
    let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
    let inDay = total - days * 86_400
    // The civil date of a day count from 1970-01-01 (the inverse of `utcSeconds`' formula).
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shifted = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shifted + 2) / 5 + 1
    let month = shifted < 10 ? shifted + 3 : shifted - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(year)-\(two(month))-\(two(day))T\(two(inDay / 3_600)):\(two(inDay / 60 % 60)):\(two(inDay % 60))Z"
  }
}
