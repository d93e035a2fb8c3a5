import Foundation

/// `git http-backend` behind basic auth on a loopback port (git-http-server.py): a real
/// smart-HTTP remote that accepts exactly one token.
final class GitHTTPServer {
  let process = Process()
  let port: Int

  init(projectRoot: String, token: String) throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("git-http-server.py").path
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, projectRoot, token]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    // The script prints its port once it listens; reading that line is the readiness signal.
    var line = Data()
    var byte: UInt8 = 0
    while read(out.fileHandleForReading.fileDescriptor, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
    guard let port = Int(String(decoding: line, as: UTF8.self)) else {
      kill(process.processIdentifier, SIGKILL)
      throw FixtureError("git-http-server.py did not report a port")
    }
    self.port = port
  }

  func url(_ repository: String) -> String { "http://127.0.0.1:\(port)/\(repository)" }

  /// SIGKILL: a child of the test process may inherit a signal mask that blocks SIGTERM.
  func stop() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }
}
