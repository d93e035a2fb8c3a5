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
      a no-op (exit 0). With --digest each image is pinned, beside its tag, by the digest FROM's
      ready pods report (exit 5 if they disagree). Several TOs are a wave: each is promoted and
      rolled out in turn; the first failure stops it, and the message says where.
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The environment whose pins are promoted.") var from: String
  @Argument(help: "The environments that receive them: each promoted and rolled out in turn, stopping at the first failure.") var targets: [String] = []
  @Flag(name: .long, help: "Show the change; write and commit nothing.") var dryRun = false
  @Flag(name: .long, help: "Commit, but do not apply TO.") var noApply = false
  @Flag(name: .long, help: "Apply without asking.") var yes = false
  @Flag(name: .long, help: "Push the commit to origin; a push refused because the remote moved is fetched, redone on top and retried, never forced.") var push = false
  @Flag(name: .long, help: "Promote even if FROM is not deployed from HEAD, was dirty, or drifted.") var force = false
  @Flag(name: .long, help: "Pin each image by the digest FROM's pods run (their imageID), beside its tag, not by the mutable tag alone.") var digest = false

  func validate() throws {
    guard !targets.isEmpty else { throw ValidationError("promote \(from): name the environment(s) to promote to") }
    if targets.contains(from) { throw ValidationError("promote \(from) \(targets.joined(separator: " ")): FROM and TO are the same environment") }
    if let twice = targets.first(where: { name in targets.filter { $0 == name }.count > 1 }) {
      throw ValidationError("promote: \(twice) is named twice among the targets")
    }
  }

  func run() async throws {
    _ = try global.writableRepository(for: "promote")
    let (source, sourceClusters) = try await global.openClusters(from)
    // Every target is read and planned before anything changes: a bad release.yaml or a pin
    // a later target cannot take is bad input (exit 2) with nothing committed or rolled.
    var plans: [PromotionWorkflow.Plan] = []
    for to in targets {
      _ = try await EnvironmentContext.load(to, repository: source.repository)
      plans.append(try await plan(source, sourceClusters, into: to))
    }
    guard plans.contains(where: { !$0.changes.isEmpty }) else {
      for to in targets { Console.progress("\(to) already has \(from)'s pins; nothing to promote") }
      return
    }
    var refusals: [String] = []
    for cluster in sourceClusters {
      let found = try await cluster.session.run { api, _ in try await PromotionWorkflow.refusals(source, api: api) }
      let prefix = cluster.name.map { "cluster \($0): " } ?? ""
      refusals += found.map { prefix + $0 }
    }
    if !refusals.isEmpty {
      let message = "not promoting from \(from): " + refusals.joined(separator: "; ")
      guard force else { throw ReleaseFailure(exit: .blocked, message: message + " (--force promotes anyway)") }
      Console.warning(message + "; promoting anyway (--force)")
    }
    let wave = Wave("promotion \(from) → \(targets.joined(separator: ", "))", noun: "environment", targets: targets)
    try await wave.run { index, to in
      if targets.count > 1 { Console.progress("── \(to) (\(index + 1) of \(targets.count))") }
      // Planned again: an earlier target's push may have reset the branch to the remote's head.
      let plan = index == 0 ? plans[0] : try await self.plan(source, sourceClusters, into: to)
      try await promote(source, plan, to: to)
    }
    if targets.count > 1 { Console.progress("promotion \(from) → \(targets.joined(separator: ", ")): done") }
  }

  func plan(_ source: EnvironmentContext, _ clusters: [ClusterTarget], into to: String) async throws -> PromotionWorkflow.Plan {
    guard digest else { return try PromotionWorkflow.plan(from: source, to: try await EnvironmentContext.load(to, repository: source.repository)) }
    return try await PromotionWorkflow.digestPlan(from: source, sessions: clusters.map { ($0.name, $0.session) }, into: to)
  }

  /// One target: show, commit (and push), roll it out on each of its clusters.
  func promote(_ source: EnvironmentContext, _ plan: PromotionWorkflow.Plan, to: String) async throws {
    guard !plan.changes.isEmpty else {
      Console.progress("\(to) already has \(from)'s pins; nothing to promote")
      return
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
    let (promoted, clusters) = try await global.openClusters(to)
    var rolledOut: [String?] = []
    do {
      try await ApplyCommand.execute(promoted, clusters, settings: promoted.settings, yes: yes, json: false) { rolledOut.append($0.name) }
    } catch let failure as ReleaseFailure where failure.exit == .rolledBack && promoted.config.rollout.afterRollback == .revert {
      let revert = try PromotionWorkflow.revert(plan, promotion: commit, from: from, to: to, repositoryRoot: source.repository.root)
      Console.warning("committed \(revert.prefix(12)): the promotion reverted, so git says what \(to) runs (rollout.afterRollback: revert)")
      try await rollBackEarlierClusters(of: to, named: rolledOut, after: failure)
      throw failure
    }
  }

  /// With several clusters, those the wave finished before one rolled back run the promoted
  /// version, which git no longer says after the revert: they are rolled out again from the
  /// reverted commit, so git and every cluster agree, as `afterRollback: revert` promises.
  func rollBackEarlierClusters(of environment: String, named names: [String?], after failure: ReleaseFailure) async throws {
    guard !names.isEmpty else { return }
    let list = names.map { $0 ?? "" }.joined(separator: ", ")
    Console.warning("\(environment): rolling cluster\(names.count == 1 ? "" : "s") \(list) back to the reverted pins, which the wave had already promoted")
    let (reverted, clusters) = try await global.openClusters(environment)
    let earlier = clusters.filter { names.contains($0.name) }
    do {
      try await ApplyCommand.execute(reverted, earlier, settings: reverted.settings, yes: true, json: false)
    } catch let again as ReleaseFailure {
      throw ReleaseFailure(
        exit: again.exit,
        message: failure.message + "\nand rolling \(list) back to the reverted pins failed, so \(list) still run\(names.count == 1 ? "s" : "") the promoted version: " + again.message)
    }
  }
}
