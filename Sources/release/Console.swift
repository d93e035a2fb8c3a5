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

  /// A warning on stderr (`warning: …`), never mixed into data on stdout.
  static func warning(_ message: String) {
    let body = message.hasPrefix("warning: ") ? message : "warning: \(message)"
    FileHandle.standardError.write(Data((body + "\n").utf8))
  }

  /// Progress on stdout as it happens (apply's narrative, not data).
  static func progress(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }

  /// Narrative on stderr, for commands whose stdout is a machine-readable stream.
  static func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
  static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

  /// Colour only for a person: a terminal, and NO_COLOR unset (https://no-color.org).
  static var useColour: Bool {
    stdoutIsTerminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
  }
}
