import ArgumentParser
internal import ReleaseKit
internal import Foundation

/// Serves the embedded cluster in the background so kubectl (and every later `release`
/// command) talks to one live cluster whose virtual time runs on its own.
struct SimStartCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "start",
    abstract: "Serve the embedded cluster over HTTPS on loopback, for kubectl and release alike.")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var clusterOption: SimClusterOption
  @Option(help: "Scenario file for a cluster not created yet.") var scenario: String?
  @Option(help: "Virtual seconds per real second (100: a 300 s readiness takes 3 s).") var speed: Double = 100
  @Option(help: "Seconds to wait for the server to come up.") var timeout: Double = 60

  func validate() throws {
    guard speed > 0, speed <= 100_000 else { throw ValidationError("--speed \(speed): expected a number above 0 and at most 100000") }
  }

  func run() async throws {
    let repository = try global.writableRepository(for: "sim start")
    let cluster = try clusterOption.cluster(global)
    if let record = cluster.servedRecord() {
      Console.output("embedded cluster already served at \(record.url) (pid \(record.pid))\n\n" + Self.usage(record))
      return
    }
    // Fail on a bad scenario here, with exit 2, rather than in a background process.
    _ = try cluster.scenario(override: scenario)
    try? FileManager.default.createDirectory(atPath: cluster.directory, withIntermediateDirectories: true)

    let server = try SimServeLauncher.launch(
      repository: repository.root, cluster: cluster.name, scenario: scenario.map(Self.absolute), speed: speed, log: cluster.serverLogFile)
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if let record = SimServerRecord.read(cluster.serverRecordFile), record.pid == server.processIdentifier {
        Console.output("embedded cluster served at \(record.url) (pid \(record.pid), virtual time ×\(Self.number(speed)))\n\n"
          + Self.usage(record))
        return
      }
      if !server.isRunning {
        throw ReleaseFailure.badInput("the embedded cluster server exited at start:\n" + Self.tail(of: cluster.serverLogFile))
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    server.terminate()
    throw ReleaseFailure.badInput("the embedded cluster server did not come up within \(Self.number(timeout)) s:\n" + Self.tail(of: cluster.serverLogFile))
  }

  static func usage(_ record: SimServerRecord) -> String {
    """
    use it with kubectl:
      export KUBECONFIG=\(record.kubeconfig)
      kubectl get nodes
    release commands for environments on the embedded cluster now go through it.
    stop it (the state is kept) with: release sim stop

    """
  }

  static func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }

  static func number(_ d: Double) -> String { d == d.rounded() ? String(Int64(d)) : String(d) }

  static func tail(of file: String) -> String {
    let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20)
    return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// Starts `release-sim-server`, which sits next to `release` (SwiftPM builds both into one
/// directory), as a detached background process.
enum SimServeLauncher {
  static let serverName = "release-sim-server"

  static func launch(repository: String, cluster: String?, scenario: String?, speed: Double, log: String) throws(ReleaseFailure) -> Process {
    let server = URL(fileURLWithPath: executablePath).deletingLastPathComponent().appendingPathComponent(serverName).path
    guard FileManager.default.isExecutableFile(atPath: server) else {
      throw ReleaseFailure.badInput(
        "\(server): the embedded cluster's server is not built; build it with `swift build --product \(serverName)` (scripts/release builds it for `sim start`)")
    }
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    guard let logHandle = FileHandle(forWritingAtPath: log) else {
      throw ReleaseFailure.badInput("\(log): cannot write the server log")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: server)
    process.arguments = ["--repo", repository, "--speed", String(speed)] + (scenario.map { ["--scenario", $0] } ?? [])
      + (cluster.map { ["--cluster", $0] } ?? [])
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = logHandle
    process.standardError = logHandle
    do {
      try process.run()
    } catch {
      throw ReleaseFailure.badInput("cannot start the embedded cluster server \(server): \(error.localizedDescription)")
    }
    return process
  }

  static var executablePath: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }
}
