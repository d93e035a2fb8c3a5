import ArgumentParser
internal import ReleaseKit
internal import Foundation

/// Ends the server started by `release sim start`; it saves the cluster's state on the way out.
struct SimStopCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stop", abstract: "Stop serving the embedded cluster (its state is kept).")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var clusterOption: SimClusterOption
  @Option(help: "Seconds to wait for the server to save and exit.") var timeout: Double = 30

  func run() async throws {
    let cluster = try clusterOption.cluster(global)
    guard let record = cluster.servedRecord() else {
      Console.output("embedded cluster is not served\n")
      return
    }
    kill(record.pid, SIGTERM)
    let deadline = Date().addingTimeInterval(timeout)
    // The server removes its record as the last step after saving; waiting for that (not just
    // for the pid) means the state file is complete when we return.
    while Date() < deadline {
      if !FileManager.default.fileExists(atPath: cluster.serverRecordFile) || !record.processIsAlive {
        try? FileManager.default.removeItem(atPath: cluster.serverRecordFile)
        Console.output("embedded cluster stopped; state kept in \(PathDisplay.relativize(cluster.stateFile, to: ""))\n")
        return
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    throw ReleaseFailure.badInput("the embedded cluster server (pid \(record.pid)) did not stop within \(SimStartCommand.number(timeout)) s")
  }
}
