import ArgumentParser
internal import EnvironmentRepo
internal import Foundation
internal import Kube
internal import ReleaseKit
internal import Rollout

struct PromoteCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "promote",
    abstract: "Copy one environment's pinned versions into another's overlay, commit, and roll it out.",
    discussion: """
      FROM must be deployed from the checked-out commit, from a clean tree, with its cluster
      matching git (otherwise exit 5; --force promotes anyway). The pins release.yaml names
      (images entries; configMapGenerator literals such as MODEL_NAME) are copied into TO's
      kustomization.yaml as a text edit that keeps comments, order and quoting; the change is
      shown and committed with a `Promoted-From: FROM@<sha>` trailer; then TO is applied with
      the GPU-aware rollout, its gates and automatic rollback. Promoting what TO already has is
      a no-op (exit 0).
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The environment whose pins are promoted.") var from: String
  @Argument(help: "The environment that receives them.") var to: String
  @Flag(name: .long, help: "Show the change; write and commit nothing.") var dryRun = false
  @Flag(name: .long, help: "Commit, but do not apply TO.") var noApply = false
  @Flag(name: .long, help: "Apply without asking.") var yes = false
  @Flag(name: .long, help: "Push the commit to origin; a push refused because the remote moved is fetched, redone on top and retried, never forced.") var push = false
  @Flag(name: .long, help: "Promote even if FROM is not deployed from HEAD, was dirty, or drifted.") var force = false
  @Flag(name: .long, help: "Pin each image by the digest FROM's pods run (their imageID), beside its tag, not by the mutable tag alone.") var digest = false

  func run() async throws {
    guard from != to else { throw ReleaseFailure.badInput("promote \(from) \(to): FROM and TO are the same environment") }
    let (source, sourceSession) = try await global.open(from)
    let target = try await EnvironmentContext.load(to, repository: source.repository)
    var plan: PromotionWorkflow.Plan
    if digest {
      plan = try await PromotionWorkflow.digestPlan(from: source, sessions: [(nil, sourceSession)], into: to)
    } else {
      plan = try PromotionWorkflow.plan(from: source, to: target)
    }
    guard !plan.changes.isEmpty else {
      Console.progress("\(to) already has \(from)'s pins; nothing to promote")
      return
    }
    let refusals = try await sourceSession.run { api, _ in try await PromotionWorkflow.refusals(source, api: api) }
    if !refusals.isEmpty {
      let message = "not promoting from \(from): " + refusals.joined(separator: "; ")
      guard force else { throw ReleaseFailure(exit: .blocked, message: message + " (--force promotes anyway)") }
      Console.warning(message + "; promoting anyway (--force)")
    }
    Console.progress("promote \(from) → \(to):\n" + plan.changes.map { "  \($0.pin): \($0.from) → \($0.to)" }.joined(separator: "\n"))
    Console.progress(PromotionWorkflow.fileDiff(plan, relativeTo: source.repository))
    if dryRun {
      Console.progress("dry run: nothing was written or committed")
      return
    }
    if push { try PromotionWorkflow.checkPushable(source) }
    var commit = try PromotionWorkflow.commit(plan, from: source, to: to)
    Console.progress("committed \(commit.prefix(12)): Promote \(from) to \(to) (Promoted-From: \(from)@\(source.source.commit.map { String($0.prefix(12)) } ?? "uncommitted"))")
    if push {
      commit = try PromotionWorkflow.push(plan, from: source, to: to) { Console.warning($0) }
      Console.progress("pushed \(commit.prefix(12)) to origin")
    }
    if noApply { return }
    let (promoted, session) = try await global.open(to)
    do {
      try await ApplyCommand.execute(promoted, session, settings: promoted.settings, yes: yes, json: false)
    } catch let failure as ReleaseFailure where failure.exit == .rolledBack && promoted.config.rollout.afterRollback == .revert {
      let revert = try PromotionWorkflow.revert(plan, promotion: commit, from: from, to: to, repositoryRoot: source.repository.root)
      Console.warning("committed \(revert.prefix(12)): the promotion reverted, so git says what \(to) runs (rollout.afterRollback: revert)")
      throw failure
    }
  }
}
