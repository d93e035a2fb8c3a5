import Foundation
import Testing

/// The release binary against `release sim start` on a fresh copy of the example repo, as a
/// new user runs it: apply, diff, a kubectl edit, diff again, status, history.
@Suite(.serialized) struct ApplyCommandTests {
  /// A fresh git clone-alike of the example repo: environments, templates and .gitignore, committed.
  static func exampleRepo() throws -> ScratchTree {
    let tree = try ScratchTree([:])
    for item in ["environments", "templates", "scenarios", ".gitignore"] {
      try FileManager.default.copyItem(atPath: ReleaseBinary.packageRoot + "/" + item, toPath: tree.root + "/" + item)
    }
    for arguments in [["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "example"]] {
      let git = try ReleaseBinary.runProcess("/usr/bin/env", ["git"] + arguments, in: tree.root)
      guard git.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: git.stderr]) }
    }
    return tree
  }

  func kubectl(_ tree: ScratchTree, _ arguments: [String]) throws -> ReleaseBinary.Result {
    try ReleaseBinary.runProcess(
      "/usr/bin/env", ["kubectl", "--kubeconfig", tree.root + "/.release/sim/kubeconfig", "--cache-dir", tree.root + "/.release/kube-cache"] + arguments,
      in: tree.root)
  }

  @Test func applyDiffEditStatusHistoryAgainstTheServedCluster() throws {
    let tree = try Self.exampleRepo()
    defer {
      _ = try? ReleaseBinary.run(["sim", "stop"], in: tree.root)
      tree.remove()
    }
    #expect(try ReleaseBinary.run(["sim", "start", "--speed", "1000"], in: tree.root).status == 0)

    let unconfirmed = try ReleaseBinary.run(["apply", "staging"], in: tree.root)
    #expect(unconfirmed.status == 2)
    #expect(unconfirmed.stderr.contains("pass --yes"), "\(unconfirmed.stderr)")
    #expect(try kubectl(tree, ["get", "ns", "llm-staging"]).status != 0, "nothing may be written without confirmation")

    let apply = try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root)
    #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
    #expect(apply.stdout.contains("created Deployment.apps/vllm in namespace llm-staging"))
    #expect(apply.stdout.contains("deployment/vllm: rolled out"))
    #expect(apply.stdout.contains("release revision 1 deployed"))

    let clean = try ReleaseBinary.run(["diff", "staging"], in: tree.root)
    #expect(clean.status == 0, "\(clean.stdout)")
    #expect(clean.stdout.contains("0 to create, 0 to update, 0 to prune, 8 unchanged"))

    #expect(try kubectl(tree, ["set", "env", "deployment/vllm", "-n", "llm-staging", "VLLM_LOGGING_LEVEL=DEBUG"]).status == 0)
    let edited = try ReleaseBinary.run(["diff", "staging"], in: tree.root)
    #expect(edited.status == 1)
    #expect(edited.stdout.contains("update Deployment.apps/vllm in namespace llm-staging"))
    #expect(edited.stdout.contains("VLLM_LOGGING_LEVEL"), "\(edited.stdout)")
    let markdown = try ReleaseBinary.run(["diff", "staging", "-o", "markdown"], in: tree.root)
    #expect(markdown.status == 1 && markdown.stdout.contains("| update | `llm-staging/Deployment.apps/vllm` |"), "\(markdown.stdout)")

    let status = try ReleaseBinary.run(["status", "staging"], in: tree.root)
    #expect(status.status == 0, "\(status.stderr)")
    #expect(status.stdout.contains("revision 1, deployed"))
    #expect(status.stdout.contains("differs from the release in 1 object(s)"), "\(status.stdout)")
    #expect(status.stdout.contains("Deployment/vllm  2/2 ready  vllm/vllm-openai:v0.6.3"), "\(status.stdout)")

    let head = try ReleaseBinary.runProcess("/usr/bin/env", ["git", "rev-parse", "HEAD"], in: tree.root).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let history = try ReleaseBinary.run(["history", "staging", "-o", "json"], in: tree.root)
    #expect(history.status == 0)
    let records = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
    #expect(records.first?["commit"] as? String == head)
    #expect(records.first?["dirty"] as? Bool == false)
    #expect(records.first?["status"] as? String == "deployed")
  }

  static func commit(_ tree: ScratchTree, tag: String, message: String) throws {
    let file = tree.root + "/environments/staging/kustomization.yaml"
    let text = try String(contentsOfFile: file, encoding: .utf8)
    let pinned = text.replacingOccurrences(of: #"newTag: \S+"#, with: "newTag: \(tag)", options: .regularExpression)
    try pinned.write(toFile: file, atomically: true, encoding: .utf8)
    let git = try ReleaseBinary.runProcess(
      "/usr/bin/env", ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", message], in: tree.root)
    #expect(git.status == 0, "\(git.stderr)")
  }

  @Test func aCrashingCommitIsRolledBackThenRefusedAndABadReleaseCanBeRolledBackByHand() throws {
    let tree = try Self.exampleRepo()
    defer {
      _ = try? ReleaseBinary.run(["sim", "stop"], in: tree.root)
      tree.remove()
    }
    #expect(try ReleaseBinary.run(["sim", "start", "--speed", "1000"], in: tree.root).status == 0)
    #expect(try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root).status == 0)

    try Self.commit(tree, tag: "v0.6.4-crash", message: "bump vllm (crashes)")
    let crash = try ReleaseBinary.run(["apply", "staging", "--yes", "-o", "json"], in: tree.root)
    #expect(crash.status == 3, "\(crash.stdout)\n\(crash.stderr)")
    // -o json: stdout is the event stream, one object per line; the narrative is on stderr.
    let events = crash.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    #expect(!events.isEmpty && events.allSatisfy { $0?["event"] is String && $0?["elapsedSeconds"] is Int }, "\(crash.stdout)")
    let names = events.compactMap { $0?["event"] as? String }
    #expect(["prePulling", "rolloutStarted", "gateFailed", "rollingBack", "rolledBack"].allSatisfy(names.contains), "\(names)")
    let failure = events.compactMap { $0 }.first { $0["event"] as? String == "gateFailed" }?["failure"] as? [String: Any]
    #expect(failure?["gate"] as? String == "crash-loop")
    #expect(crash.stdout.contains("pre-pulling vllm/vllm-openai:v0.6.4-crash on 3 nodes"), "\(crash.stdout)")
    #expect(crash.stdout.contains("deployment/vllm: rolling out, surge 1 per step, 2 steps"), "\(crash.stdout)")
    #expect(crash.stderr.contains("gate crash-loop failed on deployment llm-staging/vllm"), "\(crash.stderr)")
    #expect(crash.stderr.contains("rolled back automatically: revision 2 failed, revision 1 is serving again"), "\(crash.stderr)")
    let image = try kubectl(tree, ["get", "deployment/vllm", "-n", "llm-staging", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])
    #expect(image.stdout == "vllm/vllm-openai:v0.6.3")

    let again = try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root)
    #expect(again.status == 5, "\(again.stderr)")
    #expect(again.stderr.contains("vllm/vllm-openai:v0.6.4-crash was rolled back in revision 2"), "\(again.stderr)")
    let history = try ReleaseBinary.run(["history", "staging"], in: tree.root)
    #expect(history.stdout.contains("rolledBack"), "\(history.stdout)")

    try Self.commit(tree, tag: "v0.6.4", message: "bump vllm (fixed)")
    let fixed = try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root)
    #expect(fixed.status == 0, "\(fixed.stdout)\n\(fixed.stderr)")
    #expect(fixed.stdout.contains("release revision 3 deployed"), "\(fixed.stdout)")
    let back = try ReleaseBinary.run(["rollback", "staging", "--yes"], in: tree.root)
    #expect(back.status == 0, "\(back.stdout)\n\(back.stderr)")
    #expect(back.stdout.contains("staging: rolled back to revision 1"), "\(back.stdout)")
    let restored = try kubectl(tree, ["get", "deployment/vllm", "-n", "llm-staging", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])
    #expect(restored.stdout == "vllm/vllm-openai:v0.6.3")
  }

  @Test func anApplyKilledMidRolloutIsSupersededByTheNextWhichConverges() throws {
    let tree = try Self.exampleRepo()
    defer {
      _ = try? ReleaseBinary.run(["sim", "stop"], in: tree.root)
      tree.remove()
    }
    // Slow enough that the rollout is still waiting when the apply is killed.
    #expect(try ReleaseBinary.run(["sim", "start", "--speed", "40"], in: tree.root).status == 0)
    let first = Process()
    first.executableURL = URL(fileURLWithPath: ReleaseBinary.path)
    first.arguments = ["apply", "staging", "--yes"]
    first.currentDirectoryURL = URL(fileURLWithPath: tree.root)
    first.standardOutput = FileHandle.nullDevice
    first.standardError = FileHandle.nullDevice
    try first.run()
    // Kill it once its objects are applied and it waits for the rollout (real time: the
    // served cluster runs on its own clock).
    var applied = false
    for _ in 0..<200 where !applied {
      Thread.sleep(forTimeInterval: 0.05)
      applied = try kubectl(tree, ["get", "deployment/vllm", "-n", "llm-staging"]).status == 0
    }
    #expect(applied)
    kill(first.processIdentifier, SIGKILL)
    first.waitUntilExit()

    let again = try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root)
    #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
    #expect(again.stderr.contains("that process no longer exists"), "\(again.stderr)")
    #expect(again.stderr.contains("revision 1") && again.stderr.contains("never finished"), "\(again.stderr)")
    #expect(try ReleaseBinary.run(["diff", "staging"], in: tree.root).status == 0)
    let history = try ReleaseBinary.run(["history", "staging", "-o", "json"], in: tree.root)
    let records = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
    #expect(records.map { "\($0["revision"] ?? "") \($0["status"] ?? "")" } == ["2 deployed", "1 superseded"])
  }

  @Test func badInputExitsTwoNamingTheProblem() throws {
    let tree = try Self.exampleRepo()
    defer { tree.remove() }
    let unknown = try ReleaseBinary.run(["diff", "nowhere"], in: tree.root)
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("unknown environment \"nowhere\" (known: prod, staging, staging-drift)"), "\(unknown.stderr)")
    #expect(unknown.stdout.isEmpty)

    try "apiVersion: release.dev/v1alpha1\nkind: Environment\ncluster: {embedded: {}}\nrecords: {histroyMax: 3}\n"
      .write(toFile: tree.root + "/environments/staging/release.yaml", atomically: true, encoding: .utf8)
    let typo = try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root)
    #expect(typo.status == 2)
    #expect(typo.stderr.contains("environments/staging/release.yaml"), "\(typo.stderr)")
    #expect(typo.stderr.contains("histroyMax"), "\(typo.stderr)")

    let kubeconfig = try ReleaseBinary.run(["diff", "prod", "--kubeconfig", tree.root + "/missing-config"], in: tree.root)
    #expect(kubeconfig.status == 2)
    #expect(kubeconfig.stderr.contains("missing-config"), "\(kubeconfig.stderr)")
  }

  @Test func applyStopsOnALintErrorBeforeAnyWrite() throws {
    let tree = try Self.exampleRepo()
    defer { tree.remove() }
    let kustomization = tree.root + "/environments/staging/kustomization.yaml"
    let text = try String(contentsOfFile: kustomization, encoding: .utf8)
    try text.replacingOccurrences(of: "newTag: v0.6.3", with: "newTag: latest").write(toFile: kustomization, atomically: true, encoding: .utf8)
    let apply = try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root)
    #expect(apply.status == 2, "\(apply.stdout)\n\(apply.stderr)")
    #expect(apply.stderr.contains("lint found") && apply.stderr.contains("latest"), "\(apply.stderr)")
    #expect(!apply.stdout.contains("created"))
    let status = try ReleaseBinary.run(["status", "staging"], in: tree.root)
    #expect(status.stdout.contains("never applied"), "\(status.stdout)")
  }

  @Test func stagingAndProdRunOnTheirOwnClustersAndAProdThatCannotFitIsBlockedBeforeAnyChange() throws {
    let tree = try Self.exampleRepo()
    defer { tree.remove() }
    #expect(try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root).status == 0)
    // prod's own cluster has two GPUs; three replicas cannot all run there.
    let kustomization = tree.root + "/environments/prod/kustomization.yaml"
    let text = try String(contentsOfFile: kustomization, encoding: .utf8)
    try text.replacingOccurrences(of: "count: 2", with: "count: 3").write(toFile: kustomization, atomically: true, encoding: .utf8)
    let prod = try ReleaseBinary.run(["apply", "prod", "--yes"], in: tree.root)
    #expect(prod.status == 5, "\(prod.stdout)\n\(prod.stderr)")
    #expect(prod.stderr.contains("3 pods of a new Deployment need 3 GPUs") && prod.stderr.contains("free one GPU"), "\(prod.stderr)")
    #expect(!prod.stdout.contains("created"))
    let status = try ReleaseBinary.run(["status", "prod"], in: tree.root)
    #expect(status.stdout.contains("never applied"), "\(status.stdout)")
    // Two replicas fit prod's cluster whatever staging runs on its own.
    try text.write(toFile: kustomization, atomically: true, encoding: .utf8)
    let fits = try ReleaseBinary.run(["apply", "prod", "--yes"], in: tree.root)
    #expect(fits.status == 0, "\(fits.stdout)\n\(fits.stderr)")
    let clusters = try ReleaseBinary.run(["sim", "status", "--cluster", "prod"], in: tree.root)
    #expect(clusters.stdout.contains(".release/sim/prod/state.json"), "\(clusters.stdout)")
  }

  @Test func versionIsPrinted() throws {
    let version = try ReleaseBinary.run(["--version"])
    #expect(version.status == 0)
    #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
  }
}
