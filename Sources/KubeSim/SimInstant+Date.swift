public import Foundation

extension SimInstant {
  /// The wall-clock reading of this virtual instant, for APIs that take a `Date` (a metrics
  /// query's evaluation time).
  public var date: Date {
    Date(timeIntervalSince1970: Double(Self.epochUnixSeconds) + secondsDouble)
  }

  /// The virtual instant a `Date` names, to the nanosecond.
  public init(date: Date) {
    let seconds = date.timeIntervalSince1970 - Double(Self.epochUnixSeconds)
    self.init(sinceEpoch: .nanoseconds(Int64((seconds * 1e9).rounded())))
  }
}
