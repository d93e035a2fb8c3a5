import ArgumentParser
internal import Diff
internal import Foundation
internal import Kube
internal import Manifest
internal import ReleaseKit
internal import Rollout

struct ApplyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Apply the environment to its cluster and wait for it to roll out.",
    discussion: """
      Lints the environment (errors: exit 2, nothing written), renders, dry-runs every object on
      the server (any rejection: exit 2, nothing written), shows
      the summary and asks (without a terminal, pass --yes), then applies in dependency order with
      server-side apply, under a per-environment lock (held: exit 5), recording the release in the
      cluster. Fields other managers set are taken over: git wins, and the output says which.
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: "Environment name.") var environment: String
  @Flag(name: .long, help: "Apply without asking.") var yes = false
  @Flag(name: .long, help: "Stop after the preflight and the summary; write nothing.") var dryRun = false
  @Flag(name: .long, help: "Delete tracked objects that are no longer rendered (or prune: true in release.yaml).") var prune = false
  @Option(name: [.short, .customLong("output")], help: "text, or json: one JSON object per event and line.") var output: OutputFormat = .text
  @Flag(name: .long, help: "Let a single replica be replaced in place, taking the service down meanwhile.") var allowDowntime = false
  @Flag(name: .long, help: "Skip pulling the new images onto the nodes before the first step.") var noPrepull = false
  @Flag(name: .long, help: "Roll out a version even though it was rolled back before (its pins are frozen).") var unfreeze = false

  func validate() throws {
    if output == .yaml { throw ValidationError("-o yaml: prints text or json") }
  }

  func run() async throws {
    let (context, clusters) = try await global.openClusters(environment)
    var configured = context.settings
    configured.prune = configured.prune || prune
    configured.dryRun = dryRun
    configured.allowDowntime = allowDowntime
    configured.unfreeze = unfreeze
    configured.prePull = !noPrepull
    let settings = configured
    try await Self.execute(context, clusters, settings: settings, yes: yes, json: output == .json)
  }

  /// Every cluster of the environment, one at a time in release.yaml's order; the first that
  /// fails (refused, blocked, rolled back) stops the wave and the rest are not touched.
  /// `rolledOut` hears of each cluster whose apply succeeded, in order, so a caller can undo
  /// the wave's finished part.
  static func execute(
    _ context: EnvironmentContext, _ clusters: [ClusterTarget], settings: ApplySettings, yes: Bool, json: Bool,
    rolledOut: (ClusterTarget) -> Void = { _ in }
  ) async throws {
    guard clusters.count > 1 else {
      if let only = clusters.first {
        try await execute(context, only.session, settings: settings, yes: yes, json: json)
        rolledOut(only)
      }
      return
    }
    let say: (String) -> Void = { json ? Console.note($0) : Console.progress($0) }
    let wave = Wave("apply \(context.name)", noun: "cluster", targets: clusters.map { $0.name ?? "" })
    try await wave.run { index, _ in
      say("── \(clusters[index].heading)")
      try await execute(context, clusters[index].session, settings: settings, yes: yes, json: json)
      rolledOut(clusters[index])
    }
    say("\(context.name): every cluster rolled out: \(wave.targets.joined(separator: ", "))")
  }

  /// Lint, then apply with its plan, gates and rollback, confirming as the flags say; prints
  /// the outcome. Shared with `release promote`, which applies the environment it promoted to.
  static func execute(_ context: EnvironmentContext, _ session: ClusterSession, settings: ApplySettings, yes: Bool, json: Bool) async throws {
    let confirmYes = yes
    let interactive = Console.stdinIsTerminal
    let mode = PrintingObserver.mode(json: json)
    // With -o json stdout carries only the event stream; the narrative goes to stderr.
    let toStderr = json
    let say: @Sendable (String) -> Void = { line in toStderr ? Console.note(line) : Console.progress(line) }
    let name = context.name
    let outcome = try await session.run { api, clock in
      // The pitfalls of GPU serving first: an error stops the apply before any write.
      let lint = try await LintWorkflow.check(context, api: api)
      for finding in lint.warnings { Console.warning("lint: \(finding.object): \(finding.field): \(finding.message) [\(finding.rule)]") }
      let runner = ReleaseRunner(
        api: api, clock: clock, wallClock: SystemWallClock(), observer: PrintingObserver(mode: mode, clock: clock), metrics: try session.metricsSource(context.config))
      do {
        return try await runner.apply(environment: name, rendered: context.objects, source: context.source, settings: settings) {
          changes, takeovers in
          say(Self.summary(changes, takeovers, prune: settings.prune))
          if settings.dryRun || !changes.hasChanges && !settings.prune { return true }
          if confirmYes { return true }
          guard interactive else { return false }
          return Self.ask("apply these changes to \(name)? [y/N] ")
        }
      } catch let error as RolloutError {
        throw error.failure
      }
    }
    switch outcome {
    case .dryRun:
      say("dry run: the server accepted every object; nothing was written")
    case .declined:
      guard interactive else {
        throw ReleaseFailure.badInput("not applied: stdin is not a terminal, so there is nobody to confirm; pass --yes to apply")
      }
      say("not applied")
    case .applied(let record, _):
      let commit = record.commit.map { " from \($0.prefix(12))" + (record.dirty ? " (dirty tree)" : "") } ?? ""
      say("\(name): release revision \(record.revision) deployed\(commit)")
    }
  }

  static func summary(_ changes: ChangeSet, _ takeovers: [ResourceID: [Takeover]], prune: Bool) -> String {
    var lines: [String] = []
    for object in changes.changed {
      let verb = object.action == .prune ? (prune ? "prune" : "orphan (kept; --prune deletes)") : object.action.rawValue
      var line = "  \(verb) \(object.id)"
      if object.action == .update { line += ": " + object.fields.map(\.path.description).joined(separator: ", ") }
      lines.append(line)
    }
    for (id, fields) in takeovers.sorted(by: { $0.key < $1.key }) {
      lines.append("  take over \(id): " + fields.map { "\($0.field) from \($0.manager)" }.joined(separator: ", "))
    }
    return TextDiffFormatter(colour: false).summary(changes) + (lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n"))
  }

  static func ask(_ question: String) -> Bool {
    FileHandle.standardError.write(Data(question.utf8))
    guard let answer = readLine() else { return false }
    return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
  }
}
