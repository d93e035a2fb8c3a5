import Foundation

/// Runs one exec plugin to completion, capturing stdout (the credential) and stderr (for
/// error messages). Blocking pipe reads happen on a dispatch thread, not the caller's.
enum ExecPluginProcess {
  struct Output: Sendable {
    var status: Int32
    var stdout: Data
    var stderr: Data
  }

  static func run(executable: String, arguments: [String], environment: [String: String]) async throws -> Output {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Output, any Error>) in
      DispatchQueue.global().async {
        do {
          continuation.resume(returning: try runBlocking(executable: executable, arguments: arguments, environment: environment))
        } catch {
          continuation.resume(throwing: error)
        }
      }
    }
  }

  static func runBlocking(executable: String, arguments: [String], environment: [String: String]) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment
    // Not interactive: the plugin must not wait on our stdin.
    process.standardInput = FileHandle.nullDevice
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Both pipes are drained concurrently so a chatty plugin cannot fill one and block.
    let errorData = LockedData()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errorData.set(stderr.fileHandleForReading.readDataToEndOfFile())
      group.leave()
    }
    let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Output(status: process.terminationStatus, stdout: outputData, stderr: errorData.get())
  }

  /// Looks a bare command up on the plugin's PATH, as exec.Command does; a command with a
  /// slash was already made absolute by the loader (or is relative to the working directory).
  static func locate(_ command: String, path: String?) -> String? {
    let manager = FileManager.default
    if command.contains("/") {
      return manager.isExecutableFile(atPath: command) ? command : nil
    }
    for directory in (path ?? "").split(separator: ":", omittingEmptySubsequences: true) {
      let candidate = URL(fileURLWithPath: String(directory), isDirectory: true).appendingPathComponent(command).path
      var isDirectory: ObjCBool = false
      if manager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
        manager.isExecutableFile(atPath: candidate)
      {
        return candidate
      }
    }
    return nil
  }
}

/// A Data written by one thread and read by another after a DispatchGroup wait.
private final class LockedData: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  func set(_ value: Data) { lock.withLock { data = value } }
  func get() -> Data { lock.withLock { data } }
}
