import ArgumentParser
internal import ReleaseKit
internal import EnvironmentRepo
internal import Foundation
internal import KubeSim
internal import Manifest

struct SimCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sim",
    abstract: "Inspect and drive the embedded simulated cluster (state in .release/sim/ of the repo).",
    subcommands: [SimStatusCommand.self, SimStartCommand.self, SimStopCommand.self, SimAdvanceCommand.self, SimResetCommand.self])
}

struct SimStatusCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "status", abstract: "Show nodes, GPUs, pods and virtual time.")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var clusterOption: SimClusterOption
  @Option(name: [.short, .customLong("output")], help: "text or json.") var output: OutputFormat = .text

  func run() async throws {
    let cluster = try clusterOption.cluster(global)
    let exists = FileManager.default.fileExists(atPath: cluster.stateFile)
    let connection = try cluster.connect()
    let now = await connection.virtualTime()
    let overview: ClusterOverview
    do {
      overview = try await ClusterOverview.gather(from: connection.api)
    } catch {
      throw ReleaseFailure.badInput("embedded cluster: \(error)")
    }
    let state = exists ? PathDisplay.relativize(cluster.stateFile, to: "") : "not created yet"
    if output == .json {
      var value: Value = [
        "state": .string(state),
        "virtualTime": .string(now.rfc3339), "elapsedSeconds": .int(now.seconds),
        "nodes": .array(overview.nodes.map { ["name": .string($0.name), "gpus": .float($0.gpus), "gpusUsed": .float($0.gpusUsed), "pods": .int(Int64($0.pods)), "schedulable": .bool($0.schedulable)] }),
        "pods": ["total": .int(Int64(overview.pods)), "ready": .int(Int64(overview.readyPods)), "pending": .int(Int64(overview.pendingPods))],
      ]
      if case .served(let record, _) = connection {
        value["server"] = ["url": .string(record.url), "pid": .int(Int64(record.pid)), "speed": .float(record.speed), "kubeconfig": .string(record.kubeconfig)]
      }
      Console.output(JSON.prettyString(value) + "\n")
      return
    }
    var lines: [String] = []
    switch connection {
    case .inProcess:
      lines.append("embedded cluster: \(exists ? state : "not created yet (starts on first use)")")
      lines.append("virtual time:     \(now.rfc3339) (+\(Self.duration(now.seconds)))")
    case .served(let record, _):
      lines.append("embedded cluster: served at \(record.url) (pid \(record.pid)); KUBECONFIG=\(record.kubeconfig)")
      lines.append("virtual time:     about \(now.rfc3339) (+\(Self.duration(now.seconds)), running ×\(SimStartCommand.number(record.speed)))")
    }
    lines.append("")
    lines.append(Self.pad(["NODE", "GPUS", "GPUS USED", "PODS", "SCHEDULABLE"]))
    for node in overview.nodes {
      lines.append(Self.pad([node.name, Self.number(node.gpus), Self.number(node.gpusUsed), String(node.pods), node.schedulable ? "yes" : "no (cordoned)"]))
    }
    lines.append("")
    lines.append("pods: \(overview.pods) (\(overview.readyPods) ready, \(overview.pendingPods) pending)")
    Console.output(lines.joined(separator: "\n") + "\n")
  }

  static func pad(_ columns: [String]) -> String {
    let widths = [14, 6, 11, 6, 0]
    return zip(columns, widths).map { $1 == 0 ? $0 : $0.padding(toLength: max($1, $0.count + 1), withPad: " ", startingAt: 0) }.joined()
  }

  static func number(_ d: Double) -> String { d == d.rounded() ? String(Int64(d)) : String(d) }

  static func duration(_ seconds: Int64) -> String {
    let h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60
    return h > 0 ? "\(h)h\(m)m\(s)s" : m > 0 ? "\(m)m\(s)s" : "\(s)s"
  }
}

struct SimAdvanceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "advance", abstract: "Let virtual time pass in the embedded cluster (e.g. 300s, 5m, 1h).")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var clusterOption: SimClusterOption
  @Argument(help: "How long: a number with s, m or h.") var duration: String
  @Option(help: "Scenario file for a cluster not created yet.") var scenario: String?

  func validate() throws {
    if Self.parse(duration) == nil { throw ValidationError("duration \"\(duration)\": expected a number with s, m or h, such as 300s or 5m") }
  }

  static func parse(_ text: String) -> Duration? {
    guard let unit = text.last, let number = Int64(text.dropLast()), number >= 0 else { return nil }
    switch unit {
    case "s": return .seconds(number)
    case "m": return .seconds(number * 60)
    case "h": return .seconds(number * 3600)
    default: return nil
    }
  }

  func run() async throws {
    let cluster = try clusterOption.cluster(global)
    try cluster.refuseWhileServed("advance virtual time by hand (it runs by itself while served)")
    let (sim, source) = try cluster.open(scenarioOverride: scenario)
    await sim.advance(by: Self.parse(duration) ?? .zero)
    try await cluster.save(sim, scenarioSource: source)
    Console.output("virtual time: \(await sim.now.rfc3339)\n")
  }
}

struct SimResetCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "reset", abstract: "Discard the embedded cluster's state.")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var clusterOption: SimClusterOption

  func run() async throws {
    let cluster = try clusterOption.cluster(global)
    try cluster.refuseWhileServed("reset the embedded cluster")
    for file in [cluster.stateFile, cluster.scenarioFile] where FileManager.default.fileExists(atPath: file) {
      do {
        try FileManager.default.removeItem(atPath: file)
      } catch {
        throw ReleaseFailure.badInput("\(file): cannot remove: \(error.localizedDescription)")
      }
    }
    Console.output("embedded cluster reset\n")
  }
}
