public import Foundation

/// The calendar time written into leases and records. Injected so tests control it (a lease's
/// expiry, a record's timestamps); waiting is done on a `Clock`, never on this.
public protocol WallClock: Sendable {
  func now() -> Date
}

public struct SystemWallClock: WallClock {
  public init() {}
  public func now() -> Date { Date() }
}
