import Foundation
import KubeSimServer

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
