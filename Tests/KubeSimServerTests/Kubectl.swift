import Foundation
import KubeSimServer
import Synchronization
import Testing

/// Runs the real `kubectl` against a test server with a kubeconfig written to a temporary
/// directory (its discovery cache too, so runs never share state).
struct Kubectl: Sendable {
  let directory: URL
  let kubeconfig: URL

  struct Result: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    var output: String { stdout + stderr }
  }

  init(endpoint: ServerEndpoint, credential: KubeconfigCredential, namespace: String = "llm") throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-kubectl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    kubeconfig = directory.appendingPathComponent("kubeconfig")
    try Kubeconfig.yaml(for: endpoint, credential: credential, namespace: namespace).write(to: kubeconfig, atomically: true, encoding: .utf8)
  }

  /// Writes `text` to a file in the temporary directory and returns its path.
  func file(_ name: String, _ text: String) throws -> String {
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  func callAsFunction(_ arguments: String..., stdin: String? = nil) async throws -> Result {
    try await run(arguments, stdin: stdin)
  }

  func run(_ arguments: [String], stdin: String? = nil) async throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
    process.arguments = ["--kubeconfig", kubeconfig.path, "--cache-dir", directory.appendingPathComponent("cache").path, "--request-timeout", "30s"] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["HOME"] = directory.path
    environment["KUBECONFIG"] = nil
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Blocking reads stay off the cooperative pool: on a small machine they would starve
    // the server that kubectl is waiting for.
    async let stdoutData = Self.offPool { out.fileHandleForReading.readDataToEndOfFile() }
    async let stderrData = Self.offPool { err.fileHandleForReading.readDataToEndOfFile() }
    let (o, e) = await (stdoutData, stderrData)
    await Self.offPool { process.waitUntilExit() }
    return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
  }

  static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      Thread.detachNewThread { continuation.resume(returning: work()) }
    }
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A kubectl left running (`logs -f`, `get -w`): its output so far, read as it comes on a
/// thread of its own, and a bounded wait for its exit. Ended by `stop()` if still running, so
/// a failing test leaves no process behind. (Unchecked: Foundation's Process is not marked
/// Sendable, though `isRunning`, `terminationStatus` and `terminate()` are safe from any thread;
/// the output is behind a Mutex.)
final class RunningKubectl: @unchecked Sendable {
  private let process: Process
  private let read = ReadOutput()

  /// What the reading thread has seen: shared with it, so a class.
  final class ReadOutput: Sendable {
    let data = Mutex(Data())
    let finished = Mutex(false)
  }

  init(_ kubectl: Kubectl, _ arguments: [String]) throws {
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
    process.arguments = ["--kubeconfig", kubectl.kubeconfig.path, "--cache-dir", kubectl.directory.appendingPathComponent("cache").path] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["HOME"] = kubectl.directory.path
    environment["KUBECONFIG"] = nil
    process.environment = environment
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let reader = out.fileHandleForReading
    let read = self.read
    Thread.detachNewThread {
      while true {
        let data = reader.availableData
        if data.isEmpty { break }
        read.data.withLock { $0.append(data) }
      }
      read.finished.withLock { $0 = true }
    }
  }

  var output: String { read.data.withLock { String(decoding: $0, as: UTF8.self) } }
  var isRunning: Bool { process.isRunning }

  /// Polls (50 ms) until the process has exited and its output is read, for at most `limit`
  /// of real time; its exit status, or nil if it is still running.
  func exitStatus(within limit: Duration) async throws -> Int32? {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    while clock.now < deadline {
      if !process.isRunning, read.finished.withLock({ $0 }) { return process.terminationStatus }
      try await Task.sleep(for: .milliseconds(50))
    }
    return nil
  }

  func stop() {
    if process.isRunning { process.terminate() }
  }
}

extension Kubectl {
  func start(_ arguments: String...) throws -> RunningKubectl { try RunningKubectl(self, arguments) }
}

extension Kubectl {
  /// Runs kubectl and, should it fail, records the failure with what kubectl said.
  @discardableResult
  func expectSuccess(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws -> Result {
    let result = try await run(arguments)
    #expect(result.status == 0, "kubectl \(arguments.joined(separator: " ")): \(result.output)", sourceLocation: sourceLocation)
    return result
  }
}
