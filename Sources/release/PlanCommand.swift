import ArgumentParser
internal import Manifest
internal import ReleaseKit
internal import Rollout

struct PlanCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Show the GPU- and PDB-aware rollout that applying the environment would perform.",
    discussion: """
      For each Deployment whose pods change: its replicas, the free GPUs on the nodes its pods can
      land on, its disruption budget (the stricter of its PodDisruptionBudgets and its strategy),
      the step (surge N into free GPUs, or replace N in place within the budget) with the number
      of steps and an ETA from the readiness probe. Reads only; writes nothing.
      Exit 0: a safe plan; 5: a Deployment has no safe step (the reason names the numbers); 2: error.
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: "Environment name.") var environment: String
  @Option(name: [.short, .customLong("output")], help: "text or json.") var output: OutputFormat = .text
  @Flag(name: .long, help: "Let a single replica be replaced in place, taking the service down meanwhile.")
  var allowDowntime = false

  func validate() throws {
    if output == .yaml { throw ValidationError("-o yaml: plan prints text or json") }
  }

  func run() async throws {
    let (context, clusters) = try await global.openClusters(environment)
    let allowDowntime = self.allowDowntime
    var blocked: [String] = []
    var documents: [Value] = []
    for cluster in clusters {
      let session = cluster.session
      let result = try await session.run { api, _ in try await PlanWorkflow.plan(context, api: api, allowDowntime: allowDowntime) }
      for warning in result.warnings { Console.warning(warning) }
      if output == .json {
        var document = RolloutPlanFormat.json(result.plan, cluster: session.label, warnings: result.warnings)
        if let name = cluster.name { document["clusterName"] = .string(name) }
        documents.append(document)
      } else {
        Console.output(RolloutPlanFormat.text(result.plan, cluster: cluster.name.map { "\($0): \(session.label)" } ?? session.label))
      }
      // Every cluster is planned (a plan writes nothing), so one blocked cluster does not hide another's.
      blocked += result.plan.blockedReasons.map { reason in cluster.name.map { "cluster \($0): \(reason)" } ?? reason }
    }
    if output == .json {
      Console.output(JSON.prettyString(documents.count == 1 ? documents[0] : .array(documents)) + "\n")
    }
    if !blocked.isEmpty { throw RolloutError.blocked(reasons: blocked).failure }
  }
}
