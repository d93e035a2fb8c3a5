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
    let (context, session) = try await global.open(environment)
    let allowDowntime = self.allowDowntime
    let result = try await session.run { api, _ in try await PlanWorkflow.plan(context, api: api, allowDowntime: allowDowntime) }
    for warning in result.warnings { Console.warning(warning) }
    Console.output(
      output == .json
        ? JSON.prettyString(RolloutPlanFormat.json(result.plan, cluster: session.label, warnings: result.warnings)) + "\n"
        : RolloutPlanFormat.text(result.plan, cluster: session.label))
    if result.plan.isBlocked { throw RolloutError.blocked(reasons: result.plan.blockedReasons).failure }
  }
}
