public import Foundation
import Manifest

/// Splits a watch body into its newline-delimited JSON events as bytes arrive: an event is
/// decoded as soon as its line is complete, and only the unfinished tail is kept.
public struct WatchLineDecoder: Sendable {
  private var buffer: [UInt8] = []
  /// Bytes before this index hold no newline.
  private var scanned = 0

  public init() {}

  /// The complete lines `chunk` finishes, without their newlines; blank lines are skipped.
  public mutating func lines(after chunk: Data) -> [[UInt8]] {
    buffer.append(contentsOf: chunk)
    var lines: [[UInt8]] = []
    var start = 0
    var index = scanned
    while index < buffer.count {
      if buffer[index] == UInt8(ascii: "\n") {
        var end = index
        if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        if end > start { lines.append(Array(buffer[start..<end])) }
        start = index + 1
      }
      index += 1
    }
    buffer.removeFirst(start)
    scanned = buffer.count
    return lines
  }

  /// Whatever the stream ended with that had no newline.
  public mutating func remainder() -> [UInt8]? {
    defer {
      buffer = []
      scanned = 0
    }
    let trimmed = buffer.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    return trimmed.isEmpty ? nil : Array(buffer)
  }

  /// One `{"type": …, "object": …}` line. An ERROR event becomes the Status it carries.
  public static func event(from line: [UInt8]) throws(KubeError) -> WatchEvent {
    let value: Value
    do {
      value = try JSON.parse(bytes: line, file: "watch event")
    } catch {
      throw KubeError.decoding("watch event: \(error)")
    }
    guard let typeName = value["type"]?.stringValue, let type = WatchEventType(rawValue: typeName) else {
      throw KubeError.decoding("watch event without a known type")
    }
    let object = value["object"] ?? .null
    if type == .error {
      let status = StatusDecoding.status(from: object) ?? StatusDecoding.genericStatus(code: 500)
      throw KubeError.status(status)
    }
    return WatchEvent(type: type, object: object)
  }
}
