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
    let formatter = ISO8601DateFormatter()
    guard let date = formatter.date(from: text) else { return nil }
    let seconds = Int64(date.timeIntervalSince1970) - epochUnixSeconds
    return SimInstant(sinceEpoch: .seconds(seconds))
  }

  /// RFC 3339, as Kubernetes writes `creationTimestamp` ("2026-01-01T00:05:00Z").
  public var rfc3339: String {
    let date = Date(timeIntervalSince1970: TimeInterval(Self.epochUnixSeconds + seconds))
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    func two(_ v: Int?) -> String { let n = v ?? 0; return n < 10 ? "0\(n)" : "\(n)" }
    return "\(c.year ?? 1970)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
  }
}
