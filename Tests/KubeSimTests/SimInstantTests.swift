import Foundation
import KubeSim
import Testing

/// Timestamps are written and read by arithmetic (the controllers do it on every pass); they
/// must agree with Foundation's ISO 8601 formatter wherever the simulation can reach.
@Suite struct SimInstantTests {
  /// Instants around the epoch, month and leap-day boundaries, and decades on.
  static let offsets: [Int64] = [
    0, 1, 59, 3_599, 86_399, 86_400, 31 * 86_400 - 1, 58 * 86_400, 59 * 86_400, 365 * 86_400,
    (365 + 31 + 28) * 86_400, (365 + 31 + 28) * 86_400 + 86_399, 4 * 365 * 86_400 + 123_456, 74 * 365 * 86_400 + 7, 1_000_000_007,
  ]

  @Test(arguments: offsets)
  func writesAndReadsBackWhatFoundationWrites(_ offset: Int64) throws {
    let instant = SimInstant.zero.advanced(by: .seconds(offset))
    let formatter = ISO8601DateFormatter()
    let date = Date(timeIntervalSince1970: TimeInterval(SimInstant.epochUnixSeconds + offset))
    #expect(instant.rfc3339 == formatter.string(from: date))
    #expect(SimInstant.parse(instant.rfc3339) == instant)
  }

  @Test func readsFractionsAndOffsetsAndRefusesOtherText() {
    #expect(SimInstant.parse("2026-01-01T00:05:00.000000Z") == SimInstant.zero.advanced(by: .seconds(300)))
    #expect(SimInstant.parse("2026-01-01T01:05:00+01:00") == SimInstant.zero.advanced(by: .seconds(300)))
    #expect(SimInstant.parse("2026-13-01T00:00:00Z") == nil)
    #expect(SimInstant.parse("yesterday") == nil)
  }
}
