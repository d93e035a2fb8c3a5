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
    let (context, session) = try await global.open(environment)
    let report = try await session.run { api, _ in try await StatusReport.gather(context, session: session, api: api) }
    Console.output(output == .json ? JSON.prettyString(report.json) + "\n" : report.text)
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
    let (context, session) = try await global.open(environment)
    let records = try await session.run { api, _ in try await HistoryWorkflow.records(context, api: api) }
    if output == .json {
      Console.output(JSON.prettyString(.array(records.map(\.summary))) + "\n")
    } else if records.isEmpty {
      Console.output("no releases of \(context.name) yet\n")
    } else {
      Console.output(ReleaseRecordFormat.table(records))
    }
  }
}
