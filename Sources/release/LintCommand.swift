import ArgumentParser
internal import Manifest
internal import ReleaseKit
internal import Rollout

struct LintCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lint",
    abstract: "Check an environment for the pitfalls of GPU serving.",
    discussion: """
      Reads the rendered objects, and the cluster where it answers, and reports each
      finding with its object, field, why it matters and what to do.

      Errors: an image tagged latest or untagged; a GPU container without a
      readinessProbe; progressDeadlineSeconds shorter than image pull (120 s
      allowed) plus the readiness window; nvidia.com/gpu limits unlike requests;
      an HPA Resource metric on nvidia.com/gpu.

      Warnings: no safe rollout step at the live replicas and free GPUs (needs
      the cluster: skipped, saying why, without one); HPA minReplicas below a
      PDB's minAvailable; nginx proxy timeouts shorter than the generation time
      (the Deployment's release.dev/generation-seconds, default 300 s); a
      ReadWriteOnce volume mounted by a Deployment that may run several replicas.

      Exit 0: no errors (warnings are printed); 2: errors, or bad input.
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: "Environment name.") var environment: String
  @Option(name: [.short, .customLong("output")], help: "text or json.") var output: OutputFormat = .text
  @Flag(name: .long, help: "Do not contact the cluster: run only the checks of the rendered objects.")
  var noCluster = false

  func validate() throws {
    if output == .yaml { throw ValidationError("-o yaml: lint prints text or json") }
  }

  func run() async throws {
    let context = try await EnvironmentContext.load(environment, repository: try global.environmentRepository())
    var session: ClusterSession?
    var noClusterReason = "no cluster (--no-cluster)"
    if !noCluster {
      do {
        session = try ClusterConnector(kubeconfig: global.kubeconfig, context: global.context).connect(
          context.config, repository: context.repository)
      } catch {
        // Lint must work where no cluster can be reached (CI, a laptop): the cluster's check is skipped, and says why.
        noClusterReason = "no cluster: \(error.message)"
      }
    }
    for warning in session?.warnings ?? [] { Console.warning(warning) }
    let report: LintReport
    if let session {
      report = try await session.run { api, _ in await LintWorkflow.lint(context, api: api) }
    } else {
      report = await LintWorkflow.lint(context, api: nil, noCluster: noClusterReason)
    }
    Console.output(
      output == .json
        ? JSON.prettyString(LintReportFormat.json(report, cluster: session?.label)) + "\n"
        : LintReportFormat.text(report, cluster: session?.label))
    if report.hasErrors {
      throw ReleaseFailure.badInput(
        "lint found \(report.errors.count) error\(report.errors.count == 1 ? "" : "s") in environment \(environment)")
    }
  }
}
