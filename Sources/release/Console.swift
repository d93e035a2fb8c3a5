internal import Foundation

/// User-facing output. Data goes to stdout in one write once a command has succeeded, so a
/// failure never leaves half a document on stdout; messages go to stderr.
enum Console {
  static func output(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func error(_ message: String) {
    // ArgumentParser's own messages start with "Error: "; ours get the same single prefix.
    var body = message
    for prefix in ["error: ", "Error: "] where body.hasPrefix(prefix) { body = String(body.dropFirst(prefix.count)) }
    let line = "error: \(body)"
    FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
  }
}
