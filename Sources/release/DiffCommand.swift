import ArgumentParser
internal import Diff
internal import ReleaseKit

struct DiffCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Show what applying the environment would change in its cluster.",
    discussion: """
      Computed as `kubectl diff --server-side` computes it: each rendered object is applied to the
      server in a dry run with release's field manager and compared with the live object. Server
      defaults, status, bookkeeping and replicas an HPA owns are not differences. Secret values
      never appear. Exit 0: no differences; 1: differences; 2: error.
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: "Environment name.") var environment: String
  @Option(name: [.short, .customLong("output")], help: "text, json or markdown.") var output: DiffOutput = .text
  @Option(name: .long, help: "Diff the environment as this commit holds it (branch, tag, SHA, HEAD~N), not the working tree.") var at: String?

  func run() async throws {
    let (context, clusters) = try await global.openClusters(environment, at: at)
    var diffs: [(heading: String, name: String, changes: ChangeSet)] = []
    for cluster in clusters {
      let changes = try await cluster.session.run { api, _ in try await DiffWorkflow.changes(context, api: api) }
      diffs.append((cluster.heading, cluster.name ?? "", changes))
    }
    if diffs.count == 1, let only = diffs.first {
      Console.output(DiffWorkflow.format(only.changes, as: output.format, colour: Console.useColour))
    } else {
      Console.output(DiffWorkflow.format(clusters: diffs, as: output.format, colour: Console.useColour))
    }
    if diffs.contains(where: { $0.changes.hasChanges }) { throw ExitCode(ReleaseExit.differences.rawValue) }
  }
}

enum DiffOutput: String, ExpressibleByArgument, CaseIterable {
  case text, json, markdown

  var format: DiffFormat {
    switch self {
    case .text: return .text
    case .json: return .json
    case .markdown: return .markdown
    }
  }
}
