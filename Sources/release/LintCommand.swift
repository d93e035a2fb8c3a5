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
    var clusters: [ClusterTarget] = []
    var noClusterReason = "no cluster (--no-cluster)"
    if !noCluster {
      do {
        clusters = try ClusterConnector(kubeconfig: global.kubeconfig, context: global.context).connectAll(
          context.config, repository: context.repository
        ).map { ClusterTarget(name: $0.name, session: $0.session) }
      } catch {
        // Lint must work where no cluster can be reached (CI, a laptop): the cluster's check is skipped, and says why.
        noClusterReason = "no cluster: \(error.message)"
      }
    }
    var reports: [(cluster: ClusterTarget?, report: LintReport)] = []
    if clusters.isEmpty {
      reports.append((nil, await LintWorkflow.lint(context, api: nil, noCluster: noClusterReason)))
    }
    // Each cluster of the environment has its own capacity and replicas, so its own safe-step check.
    for cluster in clusters {
      for warning in cluster.session.warnings { Console.warning(warning) }
      reports.append((cluster, try await cluster.session.run { api, _ in await LintWorkflow.lint(context, api: api) }))
    }
    if output == .json {
      let documents = reports.map { entry in
        var document = LintReportFormat.json(entry.report, cluster: entry.cluster?.session.label)
        if let name = entry.cluster?.name { document["clusterName"] = .string(name) }
        return document
      }
      Console.output(JSON.prettyString(documents.count == 1 ? documents[0] : .array(documents)) + "\n")
    } else {
      Console.output(reports.map { entry in
        LintReportFormat.text(entry.report, cluster: entry.cluster.map { cluster in cluster.name.map { "\($0): \(cluster.session.label)" } ?? cluster.session.label })
      }.joined(separator: "\n"))
    }
    // The rendered objects' errors are the same on every cluster: counted once.
    let errors = reports.map(\.report.errors.count).max() ?? 0
    if errors > 0 {
      throw ReleaseFailure.badInput("lint found \(errors) error\(errors == 1 ? "" : "s") in environment \(environment)")
    }
  }
}
