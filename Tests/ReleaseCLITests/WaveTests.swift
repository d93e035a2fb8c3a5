import Foundation
import Testing

/// Waves: a promotion to several environments, and an environment on several clusters, roll
/// one at a time and stop at the first failure; the later ones are not touched, and the output
/// says where the wave stopped.
@Suite struct WaveTests {
  func git(_ tree: ScratchTree, _ arguments: [String]) throws -> String {
    let result = try ReleaseBinary.runProcess("/usr/bin/env", ["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com"] + arguments, in: tree.root)
    #expect(result.status == 0, "git \(arguments): \(result.stderr)")
    return result.stdout
  }

  func read(_ tree: ScratchTree, _ path: String) throws -> String { try String(contentsOfFile: tree.root + "/" + path, encoding: .utf8) }
  func write(_ tree: ScratchTree, _ path: String, _ text: String) throws { try text.write(toFile: tree.root + "/" + path, atomically: true, encoding: .utf8) }

  /// prod's scenario, except that v0.6.3 crashes there: its rollout fails its gates.
  func crashingScenario(_ tree: ScratchTree) throws {
    let prod = try read(tree, "scenarios/prod-cluster.yaml")
    try write(tree, "scenarios/prod-eu-cluster.yaml", prod.replacingOccurrences(of: "images:\n", with: "images:\n  - image: \"vllm/vllm-openai:v0.6.3\"\n    crash: {afterSeconds: 30, exitCode: 1}\n"))
  }

  /// A copy of prod as environment `name` on its own embedded cluster.
  func copyProd(_ tree: ScratchTree, as name: String, scenario: String) throws {
    try FileManager.default.copyItem(atPath: tree.root + "/environments/prod", toPath: tree.root + "/environments/" + name)
    try write(tree, "environments/\(name)/release.yaml", "apiVersion: release.dev/v1alpha1\nkind: Environment\ncluster:\n  embedded: {name: \(name), scenario: \(scenario)}\n")
  }

  @Test func aPromotionToSeveralEnvironmentsStopsAtTheFirstFailureAndLeavesTheRestUntouched() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    try crashingScenario(tree)
    try copyProd(tree, as: "prod-eu", scenario: "scenarios/prod-eu-cluster.yaml")
    try copyProd(tree, as: "prod-ap", scenario: "scenarios/prod-cluster.yaml")
    _ = try git(tree, ["add", "-A"])
    _ = try git(tree, ["commit", "-qm", "prod-eu and prod-ap"])
    for environment in ["staging", "prod", "prod-eu"] {
      #expect(try ReleaseBinary.run(["apply", environment, "--yes"], in: tree.root).status == 0)
    }
    let prodAp = try read(tree, "environments/prod-ap/kustomization.yaml")

    let wave = try ReleaseBinary.run(["promote", "staging", "prod", "prod-eu", "prod-ap", "--yes"], in: tree.root)
    #expect(wave.status == 3, "\(wave.stdout)\n\(wave.stderr)")
    #expect(wave.stderr.contains("promotion staging → prod, prod-eu, prod-ap stopped at environment prod-eu (2 of 3): done: prod; not attempted: prod-ap"), "\(wave.stderr)")
    #expect(wave.stdout.contains("prod: release revision 2 deployed"), "\(wave.stdout)")
    // prod-ap: no commit, no edit, and its cluster was never even created.
    let subjects = try git(tree, ["log", "--format=%s"])
    #expect(subjects.hasPrefix("Promote staging to prod-eu\nPromote staging to prod\n"), "\(subjects)")
    #expect(try read(tree, "environments/prod-ap/kustomization.yaml") == prodAp)
    #expect(!FileManager.default.fileExists(atPath: tree.root + "/.release/sim/prod-ap"))
  }

  @Test func anEnvironmentOnSeveralClustersRollsThemInOrderAndStopsAtTheFirstFailure() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    try crashingScenario(tree)
    try fleet(tree)
    _ = try git(tree, ["add", "-A"])
    _ = try git(tree, ["commit", "-qm", "fleet"])
    let first = try ReleaseBinary.run(["apply", "fleet", "--yes"], in: tree.root)
    #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
    #expect(first.stdout.contains("── cluster us (embedded cluster fleet-us (in process))"), "\(first.stdout)")
    #expect(first.stdout.contains("fleet: every cluster rolled out: us, eu, ap"), "\(first.stdout)")

    let file = "environments/fleet/kustomization.yaml"
    try write(tree, file, try read(tree, file).replacingOccurrences(of: "newTag: v0.6.2", with: "newTag: v0.6.3"))
    _ = try git(tree, ["commit", "-qam", "fleet: v0.6.3"])
    let diff = try ReleaseBinary.run(["diff", "fleet"], in: tree.root)
    #expect(diff.status == 1 && diff.stdout.contains("── cluster ap (embedded cluster fleet-ap (in process))"), "\(diff.stdout)")

    let wave = try ReleaseBinary.run(["apply", "fleet", "--yes"], in: tree.root)
    #expect(wave.status == 3, "\(wave.stdout)\n\(wave.stderr)")
    #expect(wave.stderr.contains("apply fleet stopped at cluster eu (2 of 3): done: us; not attempted: ap"), "\(wave.stderr)")
    // Records live in each cluster: us has its second release, ap never saw the new version.
    let history = try ReleaseBinary.run(["history", "fleet"], in: tree.root)
    #expect(history.status == 0, "\(history.stderr)")
    let sections = history.stdout.components(separatedBy: "── cluster ")
    #expect(sections.count == 4, "\(history.stdout)")
    if sections.count == 4 {
      #expect(sections[1].hasPrefix("us") && sections[1].contains("deployed") && sections[1].contains("superseded"), "\(sections[1])")
      #expect(sections[2].hasPrefix("eu") && sections[2].contains("rolledBack"), "\(sections[2])")
      #expect(sections[3].hasPrefix("ap") && !sections[3].contains("superseded"), "\(sections[3])")
    }
    let status = try ReleaseBinary.run(["status", "fleet"], in: tree.root)
    #expect(status.stdout.components(separatedBy: "vllm/vllm-openai:v0.6.3").count == 2, "\(status.stdout)")
  }

  /// prod's overlay on three clusters, rolled in the order listed: us, eu (where v0.6.3 crashes), ap.
  func fleet(_ tree: ScratchTree, extra: String = "") throws {
    try FileManager.default.copyItem(atPath: tree.root + "/environments/prod", toPath: tree.root + "/environments/fleet")
    try write(tree, "environments/fleet/release.yaml", """
      apiVersion: release.dev/v1alpha1
      kind: Environment
      clusters:
        - name: us
          embedded: {name: fleet-us, scenario: scenarios/prod-cluster.yaml}
        - name: eu
          embedded: {name: fleet-eu, scenario: scenarios/prod-eu-cluster.yaml}
        - name: ap
          embedded: {name: fleet-ap, scenario: scenarios/prod-cluster.yaml}
      \(extra)
      """)
  }

  /// `afterRollback: revert` promises that git says what runs: when the second cluster rolls
  /// back, the first, which the wave had already promoted, goes back to the reverted pins too.
  @Test func aRevertedPromotionRollsBackTheClustersTheWaveHadFinished() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    try crashingScenario(tree)
    try fleet(tree, extra: "rollout: {afterRollback: revert}\n")
    _ = try git(tree, ["add", "-A"])
    _ = try git(tree, ["commit", "-qm", "fleet"])
    for environment in ["staging", "fleet"] {
      #expect(try ReleaseBinary.run(["apply", environment, "--yes"], in: tree.root).status == 0)
    }

    let promote = try ReleaseBinary.run(["promote", "staging", "fleet", "--yes"], in: tree.root)
    #expect(promote.status == 3, "\(promote.stdout)\n\(promote.stderr)")
    #expect(promote.stderr.contains("apply fleet stopped at cluster eu (2 of 3): done: us; not attempted: ap"), "\(promote.stderr)")
    #expect(promote.stderr.contains("fleet: rolling cluster us back to the reverted pins"), "\(promote.stderr)")
    #expect(try git(tree, ["log", "--format=%s"]).hasPrefix("Revert \"Promote staging to fleet\"\nPromote staging to fleet\n"))
    #expect(try read(tree, "environments/fleet/kustomization.yaml").contains("newTag: v0.6.2"))

    // Git and every cluster agree: nothing to apply anywhere, and nothing runs v0.6.3.
    let diff = try ReleaseBinary.run(["diff", "fleet"], in: tree.root)
    #expect(diff.status == 0, "\(diff.stdout)\n\(diff.stderr)")
    let status = try ReleaseBinary.run(["status", "fleet"], in: tree.root)
    #expect(status.status == 0 && !status.stdout.contains("v0.6.3"), "\(status.stdout)")
    let history = try ReleaseBinary.run(["history", "fleet"], in: tree.root)
    let sections = history.stdout.components(separatedBy: "── cluster ")
    #expect(sections.count == 4, "\(history.stdout)")
    if sections.count == 4 {
      // us: the first release, the promoted one, and the reverted one deployed last.
      #expect(sections[1].hasPrefix("us") && sections[1].contains("3") && sections[1].contains("deployed"), "\(sections[1])")
      #expect(sections[2].hasPrefix("eu") && sections[2].contains("rolledBack"), "\(sections[2])")
    }
  }

  @Test(arguments: [
    ("cluster: {embedded: {}}\nclusters: [{name: a, embedded: {}}]\n", "environments/fleet/release.yaml: clusters: set either cluster (one) or clusters (several, rolled in order), not both"),
    ("clusters: []\n", "environments/fleet/release.yaml: clusters: list at least one cluster, or use cluster"),
    ("clusters: [{name: a, embedded: {name: x}}, {name: a, embedded: {name: y}}]\n", "environments/fleet/release.yaml: clusters[1].name: \"a\" is already the name of clusters[0]"),
  ])
  func aBadClusterListIsBadInputNamingTheFieldAndNothingIsTouched(yaml: String, message: String) throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    try FileManager.default.copyItem(atPath: tree.root + "/environments/prod", toPath: tree.root + "/environments/fleet")
    try write(tree, "environments/fleet/release.yaml", "apiVersion: release.dev/v1alpha1\nkind: Environment\n" + yaml)
    let apply = try ReleaseBinary.run(["apply", "fleet", "--yes"], in: tree.root)
    #expect(apply.status == 2 && apply.stderr.contains(message) && apply.stdout.isEmpty, "\(apply.stdout)\n\(apply.stderr)")
    #expect(!FileManager.default.fileExists(atPath: tree.root + "/.release"))
  }
}
