import ArgumentParser
internal import Manifest
internal import ReleaseKit

struct StatusCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "The environment's current release, its workloads, and whether live matches it.")

  @OptionGroup var global: GlobalOptions
  @Argument(help: "Environment name.") var environment: String
  @Option(name: [.short, .customLong("output")], help: "text or json.") var output: OutputFormat = .text

  func validate() throws {
    if output == .yaml { throw ValidationError("-o yaml: status prints text or json") }
  }

  func run() async throws {
    let (context, clusters) = try await global.openClusters(environment)
    var reports: [(ClusterTarget, StatusReport)] = []
    for cluster in clusters {
      let session = cluster.session
      reports.append((cluster, try await session.run { api, _ in try await StatusReport.gather(context, session: session, api: api) }))
    }
    if reports.count == 1, let (_, report) = reports.first {
      Console.output(output == .json ? JSON.prettyString(report.json) + "\n" : report.text)
    } else if output == .json {
      Console.output(JSON.prettyString(.array(reports.map { cluster, report in
        var value = report.json
        value["cluster"] = .string(cluster.name ?? "")
        return value
      })) + "\n")
    } else {
      Console.output(reports.map { "── \($0.0.heading)\n" + $0.1.text }.joined())
    }
  }
}

struct HistoryCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history", abstract: "The environment's releases, newest first.")

  @OptionGroup var global: GlobalOptions
  @Argument(help: "Environment name.") var environment: String
  @Option(name: [.short, .customLong("output")], help: "text or json.") var output: OutputFormat = .text

  func validate() throws {
    if output == .yaml { throw ValidationError("-o yaml: history prints text or json") }
  }

  func run() async throws {
    let (context, clusters) = try await global.openClusters(environment)
    var histories: [Value] = []
    for cluster in clusters {
      let records = try await cluster.session.run { api, _ in try await HistoryWorkflow.records(context, api: api) }
      // Records live in each cluster, so each cluster has its own revisions.
      if clusters.count > 1 {
        if output == .json {
          histories.append(["cluster": .string(cluster.name ?? ""), "releases": .array(records.map(\.summary))])
          continue
        }
        Console.output("── \(cluster.heading)\n")
      }
      if output == .json {
        Console.output(JSON.prettyString(.array(records.map(\.summary))) + "\n")
      } else if records.isEmpty {
        Console.output("no releases of \(context.name) yet\n")
      } else {
        Console.output(ReleaseRecordFormat.table(records))
      }
    }
    if !histories.isEmpty { Console.output(JSON.prettyString(.array(histories)) + "\n") }
  }
}
