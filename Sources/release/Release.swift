import ArgumentParser

struct Release: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "release",
    abstract: "GitOps release manager for GPU inference services on Kubernetes.",
    discussion: """
      Environments live in an environment repo as Kustomize-compatible overlays
      (environments/<name>/kustomization.yaml) with a release.yaml naming their cluster.

      Exit codes: 0 success, 1 differences found (diff, drift), 2 bad input (nothing changed),
      3 rolled back, 4 rollback failed, 5 blocked before any change.
      """,
    version: ReleaseVersion.current,
    subcommands: [
      RenderCommand.self, DiffCommand.self, PlanCommand.self, ApplyCommand.self, RollbackCommand.self, PromoteCommand.self, DriftCommand.self,
      DemoCommand.self, LogCommand.self, LintCommand.self, StatusCommand.self, HistoryCommand.self, SimCommand.self,
    ])
}
