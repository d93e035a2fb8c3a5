public import Foundation

/// What `release sim start` leaves in `.release/sim/server.json` while the embedded cluster is
/// served: how to reach it, and which process to stop. Other `release` commands read it to talk
/// to the served cluster instead of opening the state file themselves, so there is one writer.
public struct SimServerRecord: Codable, Sendable, Equatable {
  public var pid: Int32
  public var url: String
  public var speed: Double
  public var kubeconfig: String
  /// Virtual time when serving began, and the real time it began at: together with `speed`
  /// they tell roughly where virtual time stands without asking the server.
  public var virtualStart: String
  public var realStart: Date

  public init(pid: Int32, url: String, speed: Double, kubeconfig: String, virtualStart: String, realStart: Date) {
    self.pid = pid
    self.url = url
    self.speed = speed
    self.kubeconfig = kubeconfig
    self.virtualStart = virtualStart
    self.realStart = realStart
  }

  public static func read(_ file: String) -> SimServerRecord? {
    guard let data = FileManager.default.contents(atPath: file) else { return nil }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return try? decoder.decode(SimServerRecord.self, from: data)
  }

  public func write(to file: String) throws {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(self).write(to: URL(fileURLWithPath: file), options: .atomic)
  }

  /// True while the serving process exists and is not a zombie waiting to be reaped.
  public var processIsAlive: Bool { Self.isAlive(pid) }

  public static func isAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 || errno == EPERM else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return true }
    let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
    return state != "Z" && state != "X"
  }
}
