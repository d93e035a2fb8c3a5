import Foundation
import Testing

/// `release promote staging prod` on a fresh copy of the example repo, each environment on its
/// own embedded cluster: refusals, the surgical edit and its commit, the rollout, the no-op.
@Suite struct PromoteCommandTests {
  func git(_ tree: ScratchTree, _ arguments: [String]) throws -> String {
    let result = try ReleaseBinary.runProcess("/usr/bin/env", ["git"] + arguments, in: tree.root)
    #expect(result.status == 0, "git \(arguments): \(result.stderr)")
    return result.stdout
  }

  @Test func promotesTheStagingPinsIntoProdCommitsAndRollsProdOut() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    _ = try git(tree, ["config", "user.name", "Dev"])
    _ = try git(tree, ["config", "user.email", "dev@example.com"])
    #expect(try ReleaseBinary.run(["apply", "prod", "--yes"], in: tree.root).status == 0)

    // staging was never applied: not fit to be promoted from.
    let early = try ReleaseBinary.run(["promote", "staging", "prod", "--yes"], in: tree.root)
    #expect(early.status == 5, "\(early.stdout)\n\(early.stderr)")
    #expect(early.stderr.contains("staging has no deployed release"), "\(early.stderr)")

    #expect(try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root).status == 0)
    let before = try String(contentsOfFile: tree.root + "/environments/prod/kustomization.yaml", encoding: .utf8)
    let dry = try ReleaseBinary.run(["promote", "staging", "prod", "--dry-run"], in: tree.root)
    #expect(dry.status == 0, "\(dry.stderr)")
    #expect(dry.stdout.contains("-    newTag: v0.6.2\n+    newTag: v0.6.3"), "\(dry.stdout)")
    #expect(try String(contentsOfFile: tree.root + "/environments/prod/kustomization.yaml", encoding: .utf8) == before)

    let head = try git(tree, ["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let promote = try ReleaseBinary.run(["promote", "staging", "prod", "--yes"], in: tree.root)
    #expect(promote.status == 0, "\(promote.stdout)\n\(promote.stderr)")
    #expect(promote.stdout.contains("prod: release revision 2 deployed"), "\(promote.stdout)")
    // One line changed, nothing else: comments and layout as the author wrote them.
    let after = try String(contentsOfFile: tree.root + "/environments/prod/kustomization.yaml", encoding: .utf8)
    #expect(after == before.replacingOccurrences(of: "newTag: v0.6.2", with: "newTag: v0.6.3"))
    let message = try git(tree, ["log", "-1", "--format=%B"])
    #expect(message.contains("Promote staging to prod") && message.contains("Promoted-From: staging@\(head)"), "\(message)")
    #expect(try git(tree, ["status", "--porcelain"]).isEmpty)
    let status = try ReleaseBinary.run(["status", "prod"], in: tree.root)
    #expect(status.stdout.contains("vllm/vllm-openai:v0.6.3"), "\(status.stdout)")

    // git's view of each environment: the promotion touched prod's overlay only.
    let prodLog = try ReleaseBinary.run(["log", "prod"], in: tree.root)
    #expect(prodLog.stdout.contains("Promote staging to prod  [Promoted-From: staging@\(head)]"), "\(prodLog.stdout)")
    #expect(!(try ReleaseBinary.run(["log", "staging"], in: tree.root).stdout.contains("Promote")))

    let again = try ReleaseBinary.run(["promote", "staging", "prod", "--yes"], in: tree.root)
    #expect(again.status == 0 && again.stdout.contains("prod already has staging's pins"), "\(again.stdout)\n\(again.stderr)")
  }

  @Test(arguments: ["freeze", "revert"])
  func aPromotedVersionThatRollsBackLeavesGitAsReleaseYamlSays(policy: String) throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    _ = try git(tree, ["config", "user.name", "Dev"])
    _ = try git(tree, ["config", "user.email", "dev@example.com"])
    let prodConfig = tree.root + "/environments/prod/release.yaml"
    try (try String(contentsOfFile: prodConfig, encoding: .utf8) + "rollout: {afterRollback: \(policy)}\n").write(toFile: prodConfig, atomically: true, encoding: .utf8)
    #expect(try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root).status == 0)
    let staging = tree.root + "/environments/staging/kustomization.yaml"
    try (try String(contentsOfFile: staging, encoding: .utf8)).replacingOccurrences(of: "newTag: v0.6.3", with: "newTag: v0.6.4-crash")
      .write(toFile: staging, atomically: true, encoding: .utf8)
    _ = try git(tree, ["commit", "-qam", "crashing version in staging"])
    #expect(try ReleaseBinary.run(["apply", "prod", "--yes"], in: tree.root).status == 0)
    #expect(try ReleaseBinary.run(["apply", "staging", "--yes", "--no-prepull"], in: tree.root).status == 3)

    // staging's newest release rolled back: refused unless forced.
    #expect(try ReleaseBinary.run(["promote", "staging", "prod", "--yes"], in: tree.root).status == 5)
    let forced = try ReleaseBinary.run(["promote", "staging", "prod", "--yes", "--force"], in: tree.root)
    #expect(forced.status == 3, "\(forced.stdout)\n\(forced.stderr)")
    let prodFile = try String(contentsOfFile: tree.root + "/environments/prod/kustomization.yaml", encoding: .utf8)
    let subjects = try git(tree, ["log", "--format=%s"])
    if policy == "revert" {
      #expect(subjects.hasPrefix("Revert \"Promote staging to prod\""), "\(subjects)")
      #expect(prodFile.contains("newTag: v0.6.2"))
      #expect(try ReleaseBinary.run(["diff", "prod"], in: tree.root).status == 0)
    } else {
      #expect(subjects.hasPrefix("Promote staging to prod"), "\(subjects)")
      #expect(prodFile.contains("newTag: v0.6.4-crash"))
      let again = try ReleaseBinary.run(["apply", "prod", "--yes"], in: tree.root)
      #expect(again.status == 5 && again.stderr.contains("was rolled back in revision 2"), "\(again.stderr)")
    }
  }
}

/// `promote --digest`: prod is pinned by the digest staging's pods ran, not by the tag, even
/// where prod's registry has moved the tag; pods that disagree are refused.
@Suite struct PromoteDigestTests {
  static let movedTag = "sha256:" + String(repeating: "0f", count: 32)

  func git(_ tree: ScratchTree, _ arguments: [String]) throws -> String {
    let result = try ReleaseBinary.runProcess("/usr/bin/env", ["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com"] + arguments, in: tree.root)
    #expect(result.status == 0, "git \(arguments): \(result.stderr)")
    return result.stdout
  }

  /// prod's registry serves v0.6.3 as another digest (on `nodes`, or everywhere): the tag moved.
  func moveTagInProd(_ tree: ScratchTree, nodes: String? = nil) throws {
    let scenario = tree.root + "/scenarios/prod-cluster.yaml"
    let entry = "  - {image: \"vllm/vllm-openai:v0.6.3\", digest: \"\(Self.movedTag)\"" + (nodes.map { ", nodes: [\($0)]" } ?? "") + "}\n"
    try (try String(contentsOfFile: scenario, encoding: .utf8) + "imageDigests:\n" + entry).write(toFile: scenario, atomically: true, encoding: .utf8)
    _ = try git(tree, ["commit", "-qam", "prod's registry moved v0.6.3"])
  }

  /// The digest the embedded clusters derive for a tag no scenario declares, computed here
  /// independently: sha256 of the normalized reference.
  func derivedDigest(_ reference: String) throws -> String {
    let result = try ReleaseBinary.runProcess("/bin/sh", ["-c", "printf %s '\(reference)' | sha256sum"], in: "/")
    return "sha256:" + (result.stdout.split(separator: " ").first.map(String.init) ?? "")
  }

  @Test func pinsProdByTheDigestStagingRanOnlyThatLineAddedThenANoOp() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    try moveTagInProd(tree)
    #expect(try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root).status == 0)
    #expect(try ReleaseBinary.run(["apply", "prod", "--yes"], in: tree.root).status == 0)
    let file = tree.root + "/environments/prod/kustomization.yaml"
    let before = try String(contentsOfFile: file, encoding: .utf8)
    let head = try git(tree, ["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let digest = try derivedDigest("docker.io/vllm/vllm-openai:v0.6.3")

    let promote = try ReleaseBinary.run(["promote", "staging", "prod", "--digest", "--yes"], in: tree.root)
    #expect(promote.status == 0, "\(promote.stdout)\n\(promote.stderr)")
    // The tag line changes and the digest is added under it; every other byte is the author's.
    let after = try String(contentsOfFile: file, encoding: .utf8)
    #expect(after == before.replacingOccurrences(of: "    newTag: v0.6.2\n", with: "    newTag: v0.6.3\n    digest: \(digest)\n"))
    let message = try git(tree, ["log", "-1", "--format=%B"])
    #expect(message.contains("- image vllm/vllm-openai digest: (none) → \(digest)"), "\(message)")
    #expect(message.contains("Digests as they ran in staging:\n- vllm/vllm-openai@\(digest) (llm-staging/vllm-"), "\(message)")
    #expect(message.contains("Promoted-From: staging@\(head)"), "\(message)")
    let status = try ReleaseBinary.run(["status", "prod"], in: tree.root)
    #expect(status.stdout.contains("vllm/vllm-openai:v0.6.3@\(digest)"), "\(status.stdout)")
    // prod's registry serves the tag as another digest; its pods run what staging ran.
    let state = try String(contentsOfFile: tree.root + "/.release/sim/prod/state.json", encoding: .utf8)
    #expect(state.contains("docker.io/vllm/vllm-openai@\(digest)") && !state.contains(Self.movedTag))

    let again = try ReleaseBinary.run(["promote", "staging", "prod", "--digest", "--yes"], in: tree.root)
    #expect(again.status == 0 && again.stdout.contains("prod already has staging's pins"), "\(again.stdout)\n\(again.stderr)")
    #expect(try String(contentsOfFile: file, encoding: .utf8) == after)
    // Once pinned by digest, a new tag alone would not change what prod runs: refused (exit 2).
    let staging = tree.root + "/environments/staging/kustomization.yaml"
    try (try String(contentsOfFile: staging, encoding: .utf8)).replacingOccurrences(of: "newTag: v0.6.3", with: "newTag: v0.6.4")
      .write(toFile: staging, atomically: true, encoding: .utf8)
    _ = try git(tree, ["commit", "-qam", "v0.6.4 in staging"])
    let plain = try ReleaseBinary.run(["promote", "staging", "prod", "--yes"], in: tree.root)
    #expect(plain.status == 2 && plain.stderr.contains("environments/prod/kustomization.yaml: images vllm/vllm-openai: pinned by digest"), "\(plain.stderr)")
    #expect(try String(contentsOfFile: file, encoding: .utf8) == after)
  }

  @Test func podsRunningDifferentDigestsAreRefusedNamingThem() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    // One of prod's two nodes pulled v0.6.3 after the tag was pushed again.
    try moveTagInProd(tree, nodes: "gpu-node-2")
    #expect(try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root).status == 0)
    #expect(try ReleaseBinary.run(["apply", "prod", "--yes"], in: tree.root).status == 0)
    #expect(try ReleaseBinary.run(["promote", "staging", "prod", "--yes"], in: tree.root).status == 0)
    let file = tree.root + "/environments/staging/kustomization.yaml"
    let before = try String(contentsOfFile: file, encoding: .utf8)
    let commits = try git(tree, ["rev-list", "--count", "HEAD"])

    let refused = try ReleaseBinary.run(["promote", "prod", "staging", "--digest", "--yes"], in: tree.root)
    #expect(refused.status == 5, "\(refused.stdout)\n\(refused.stderr)")
    let digest = try derivedDigest("docker.io/vllm/vllm-openai:v0.6.3")
    #expect(refused.stderr.contains("not promoting vllm/vllm-openai by digest from prod: its ready pods run different digests: "), "\(refused.stderr)")
    #expect(refused.stderr.contains("\(Self.movedTag) (llm-prod/vllm-") && refused.stderr.contains("\(digest) (llm-prod/vllm-"), "\(refused.stderr)")
    #expect(try String(contentsOfFile: file, encoding: .utf8) == before)
    #expect(try git(tree, ["rev-list", "--count", "HEAD"]) == commits)
  }
}

/// `promote --push` against a bare "remote": a push refused because someone else pushed first
/// is fetched, redone on top and pushed again; their commit stays.
@Suite struct PromotePushTests {
  func run(_ directory: String, _ arguments: [String]) throws -> String {
    let result = try ReleaseBinary.runProcess("/usr/bin/env", ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments, in: directory)
    #expect(result.status == 0, "git \(arguments): \(result.stderr)")
    return result.stdout
  }

  @Test func aPushRefusedBecauseTheRemoteMovedIsRedoneOnTopNeverForced() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    let remote = tree.root + "/../" + URL(fileURLWithPath: tree.root).lastPathComponent + "-remote.git"
    let other = tree.root + "/../" + URL(fileURLWithPath: tree.root).lastPathComponent + "-other"
    defer {
      try? FileManager.default.removeItem(atPath: remote)
      try? FileManager.default.removeItem(atPath: other)
    }
    _ = try run(tree.root, ["init", "-q", "--bare", "--initial-branch=main", remote])
    _ = try run(tree.root, ["remote", "add", "origin", remote])
    _ = try run(tree.root, ["push", "-q", "origin", "main"])
    _ = try run(tree.root, ["fetch", "-q", "origin"])
    _ = try run(tree.root, ["config", "user.name", "Dev"])
    _ = try run(tree.root, ["config", "user.email", "dev@example.com"])
    #expect(try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root).status == 0)
    #expect(try ReleaseBinary.run(["apply", "prod", "--yes"], in: tree.root).status == 0)

    // Someone else changes prod's overlay (a comment) and pushes first.
    _ = try run(tree.root + "/..", ["clone", "-q", remote, other])
    let theirs = other + "/environments/prod/kustomization.yaml"
    try (try String(contentsOfFile: theirs, encoding: .utf8) + "# reviewed by the on-call\n").write(toFile: theirs, atomically: true, encoding: .utf8)
    _ = try run(other, ["commit", "-qam", "note from the on-call"])
    _ = try run(other, ["push", "-q", "origin", "main"])

    let promote = try ReleaseBinary.run(["promote", "staging", "prod", "--yes", "--push", "--no-apply"], in: tree.root)
    #expect(promote.status == 0, "\(promote.stdout)\n\(promote.stderr)")
    #expect(promote.stderr.contains("push refused"), "\(promote.stderr)")
    let log = try run(tree.root + "/..", ["--git-dir", remote, "log", "--format=%s", "main"])
    #expect(log.hasPrefix("Promote staging to prod\nnote from the on-call\n"), "\(log)")
    let file = try run(tree.root + "/..", ["--git-dir", remote, "show", "main:environments/prod/kustomization.yaml"])
    #expect(file.contains("newTag: v0.6.3") && file.contains("# reviewed by the on-call"), "\(file)")
  }
}
