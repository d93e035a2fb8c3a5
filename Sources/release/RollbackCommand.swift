import ArgumentParser
internal import Diff
internal import Foundation
internal import Kube
internal import Manifest
internal import ReleaseKit
internal import Rollout

struct RollbackCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rollback",
    abstract: "Re-apply an earlier release of the environment, with the same plan, gates and lock as apply.",
    discussion: """
      Without --to, goes back to the release deployed before the current one. The objects come
      from that release's record in the cluster, not from git: the result is a new revision
      whose note says what it rolled back to. Git is not changed.
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: "Environment name.") var environment: String
  @Option(name: .long, help: "The revision to go back to (see `release history`).") var to: Int?
  @Flag(name: .long, help: "Roll back without asking.") var yes = false
  @Flag(name: .long, help: "Stop after the preflight and the summary; write nothing.") var dryRun = false
  @Option(name: [.short, .customLong("output")], help: "text, or json: one JSON object per event and line.") var output: OutputFormat = .text
  @Flag(name: .long, help: "Let a single replica be replaced in place, taking the service down meanwhile.") var allowDowntime = false

  func validate() throws {
    if output == .yaml { throw ValidationError("-o yaml: prints text or json") }
  }

  func run() async throws {
    let (context, clusters) = try await global.openClusters(environment)
    guard clusters.count > 1 else {
      if let only = clusters.first { try await rollBack(context, only.session) }
      return
    }
    // Records live in each cluster: each is rolled back to its own previous release (or
    // --to, a revision of each cluster's own history), one at a time as apply rolls them.
    let toStderr = output == .json
    let wave = Wave("rollback \(context.name)", noun: "cluster", targets: clusters.map { $0.name ?? "" })
    try await wave.run { index, _ in
      let line = "── \(clusters[index].heading)"
      if toStderr { Console.note(line) } else { Console.progress(line) }
      try await rollBack(context, clusters[index].session)
    }
  }

  func rollBack(_ context: EnvironmentContext, _ session: ClusterSession) async throws {
    var configured = context.settings
    configured.dryRun = dryRun
    configured.allowDowntime = allowDowntime
    let settings = configured
    let confirmYes = yes
    let interactive = Console.stdinIsTerminal
    let mode = PrintingObserver.mode(json: output == .json)
    // With -o json stdout carries only the event stream; the narrative goes to stderr.
    let toStderr = output == .json
    let say: @Sendable (String) -> Void = { line in toStderr ? Console.note(line) : Console.progress(line) }
    let name = context.name
    let revision = to
    let (target, outcome) = try await session.run { api, clock in
      let runner = ReleaseRunner(
        api: api, clock: clock, wallClock: SystemWallClock(), observer: PrintingObserver(mode: mode, clock: clock), metrics: try session.metricsSource(context.config))
      do {
        let namespace = try DiffWorkflow.recordNamespace(context)
        return try await runner.rollback(
          environment: name, to: revision, recordNamespace: namespace, source: context.source, settings: settings
        ) { changes, takeovers in
          say(ApplyCommand.summary(changes, takeovers, prune: settings.prune))
          if settings.dryRun || !changes.hasChanges { return true }
          if confirmYes { return true }
          guard interactive else { return false }
          return ApplyCommand.ask("roll \(name) back? [y/N] ")
        }
      } catch let error as RolloutError {
        throw error.failure
      }
    }
    let from = target.commit.map { " (commit \($0.prefix(12)))" } ?? ""
    switch outcome {
    case .dryRun:
      say("dry run: rolling back to revision \(target.revision)\(from) would apply the above; nothing was written")
    case .declined:
      guard interactive else {
        throw ReleaseFailure.badInput("not rolled back: stdin is not a terminal, so there is nobody to confirm; pass --yes")
      }
      say("not rolled back")
    case .applied(let record, _):
      say("\(name): rolled back to revision \(target.revision)\(from) as revision \(record.revision)")
    }
  }
}
