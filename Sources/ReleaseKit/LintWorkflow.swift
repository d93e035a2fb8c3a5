public import Kube
public import Rollout

/// `release lint`: the pitfalls of GPU serving in an environment's rendered objects, and,
/// when a cluster answers, whether a rollout could take a safe step there now. `apply` calls
/// `check` before it changes anything and stops on errors.
public enum LintWorkflow {
  /// Lints the rendered objects; with an `api` also reads the cluster for the rules that need
  /// it. A cluster that cannot be read does not fail the lint: those rules are skipped, with
  /// the read's error as the reason, and every other rule still runs.
  public static func lint(
    _ context: EnvironmentContext, api: (any KubeAPI)?, noCluster: String = "no cluster (--no-cluster)",
    settings: LintSettings = LintSettings(), linter: Linter = Linter()
  ) async -> LintReport {
    var cluster: LintCluster?
    var reason = noCluster
    if let api {
      do {
        cluster = try await LintClusterReader(api: api).read(context.objects)
      } catch {
        reason = "the cluster could not be read: \(error)"
      }
    }
    return linter.lint(
      environment: context.name, input: LintInput(objects: context.objects, settings: settings, cluster: cluster), noCluster: reason)
  }

  /// For `apply`: lints, and throws bad input (exit 2, nothing changed) naming every error when
  /// there is one; otherwise returns the report so the caller can print its warnings.
  public static func check(_ context: EnvironmentContext, api: (any KubeAPI)?) async throws(ReleaseFailure) -> LintReport {
    let report = await lint(context, api: api)
    try requireNoErrors(report)
    return report
  }

  /// Bad input (exit 2) when the report has errors: one line per error, object and field first.
  public static func requireNoErrors(_ report: LintReport) throws(ReleaseFailure) {
    let errors = report.errors
    guard !errors.isEmpty else { return }
    let lines = errors.map { "  \($0.object): \($0.field): \($0.message) [\($0.rule)]" }
    throw ReleaseFailure.badInput(
      "lint found \(LintReportFormat.count(errors.count, "error")) in environment \(report.environment); nothing was changed\n"
        + lines.joined(separator: "\n"))
  }
}
