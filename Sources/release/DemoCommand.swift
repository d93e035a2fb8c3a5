import ArgumentParser
internal import EnvironmentRepo
internal import Foundation
internal import GitStore
internal import Kube
internal import Manifest
internal import ReleaseKit

/// The whole story on a scratch copy of the example repo, each step the command a user would
/// type (run as a child `release`, so what prints is what they would see): first rollouts,
/// a model bump surging into staging's spare GPU, its promotion to prod stepping in place
/// within the PDB, a crashing image rolled back and frozen, a hand edit found by `release
/// drift` (with the field manager that made it) and undone,
/// the history. Virtual time: a few seconds of real time.
struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Tell the whole story on a scratch copy of the example repo and its embedded clusters.")

  @OptionGroup var global: GlobalOptions
  @Option(name: .long, help: "Keep the scratch repo (and its clusters) in this new directory to explore afterwards.")
  var keep: String?

  func run() async throws {
    let source = try global.writableRepository(for: "demo")
    let root = try Self.scratch(keep)
    defer { if keep == nil { try? FileManager.default.removeItem(atPath: root) } }
    for item in ["environments", "templates", "scenarios"] {
      do {
        try FileManager.default.copyItem(atPath: source.root + "/" + item, toPath: root + "/" + item)
      } catch {
        throw ReleaseFailure.badInput("\(source.root)/\(item): cannot copy the example repo (run the demo from the release checkout): \(error.localizedDescription)")
      }
    }
    try ".release/\n".write(toFile: root + "/.gitignore", atomically: true, encoding: .utf8)
    let git = try Self.git { () throws(GitError) in try GitRepository.create(at: root, authorName: "Demo", email: "demo@example.com") }
    try Self.commitAll(git, root: root, message: "Example environments: staging and prod")
    let repo = root

    Self.chapter("1. Both environments roll out for the first time, each on its own embedded cluster")
    try Self.release(["apply", "staging", "--yes"], repo: repo)
    try Self.release(["apply", "prod", "--yes"], repo: repo)

    Self.chapter("2. A model bump in staging: the plan surges into staging's spare GPU")
    try Self.pin(repo, "staging", tag: "v0.6.4")
    try Self.commit(git, repo, "staging", "Bump vLLM to v0.6.4 in staging")
    try Self.release(["plan", "staging"], repo: repo)
    try Self.release(["apply", "staging", "--yes"], repo: repo)

    Self.chapter("3. Promote staging to prod: every prod GPU is busy, so pods are replaced in place within the PDB")
    try Self.release(["promote", "staging", "prod", "--yes"], repo: repo)

    Self.chapter("4. A broken image in staging: the crash loop fails a gate, staging rolls back by itself (exit 3)")
    try Self.pin(repo, "staging", tag: "v0.6.5-crash")
    try Self.commit(git, repo, "staging", "Bump vLLM to v0.6.5 in staging")
    try Self.release(["apply", "staging", "--yes"], repo: repo, expect: 3)
    Self.say("the failed version's pins are frozen: applying the same commit again is refused before any change (exit 5)")
    try Self.release(["apply", "staging", "--yes"], repo: repo, expect: 5)

    Self.say("a fixed commit unfreezes staging: back to v0.6.4, which is what runs, so nothing rolls")
    try Self.pin(repo, "staging", tag: "v0.6.4")
    try Self.commit(git, repo, "staging", "Back to v0.6.4 in staging")
    try Self.release(["apply", "staging", "--yes"], repo: repo)

    Self.chapter("5. Someone edits staging by hand: drift names the field and who changed it, apply puts git back")
    try await Self.handEdit(repo)
    try Self.release(["drift", "staging"], repo: repo, expect: 1)
    try Self.release(["apply", "staging", "--yes"], repo: repo)

    Self.chapter("6. What happened, as the clusters recorded it")
    try Self.release(["history", "staging"], repo: repo)
    try Self.release(["history", "prod"], repo: repo)
    if let keep {
      Self.say("kept in \(keep): cd there and try `release status prod`, `release sim start`, then kubectl")
    }
  }

  static func chapter(_ title: String) { Console.progress("\n━━ \(title)") }
  static func say(_ text: String) { Console.progress("▸ \(text)") }

  /// Runs `release ARGS --repo REPO` as a child, its output going straight to ours.
  static func release(_ arguments: [String], repo: String, expect: Int32 = 0) throws {
    say("release " + arguments.joined(separator: " "))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: SimServeLauncher.executablePath)
    process.arguments = arguments + ["--repo", repo]
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw ReleaseFailure.badInput("cannot run release: \(error.localizedDescription)")
    }
    process.waitUntilExit()
    guard process.terminationStatus == expect else {
      throw ReleaseFailure.badInput("demo: `release \(arguments.joined(separator: " "))` exited \(process.terminationStatus), expected \(expect)")
    }
    if expect != 0 { say("exit \(expect), as expected") }
  }

  /// Sets the image tag of an environment's `images` entry, as a person editing the file would.
  static func pin(_ repo: String, _ environment: String, tag: String) throws {
    let file = repo + "/environments/\(environment)/kustomization.yaml"
    let text = try String(contentsOfFile: file, encoding: .utf8)
    let edited = text.replacingOccurrences(of: #"newTag: \S+"#, with: "newTag: \(tag)", options: .regularExpression)
    try edited.write(toFile: file, atomically: true, encoding: .utf8)
  }

  static func commit(_ git: GitRepository, _ repo: String, _ environment: String, _ message: String) throws {
    let sha = try Self.git { () throws(GitError) in try git.commit(files: [repo + "/environments/\(environment)/kustomization.yaml"], message: message + "\n") }
    say("git commit \(sha.prefix(12)): \(message)")
  }

  static func commitAll(_ git: GitRepository, root: String, message: String) throws {
    var files: [String] = []
    let enumerator = FileManager.default.enumerator(atPath: root)
    while let relative = enumerator?.nextObject() as? String {
      guard !relative.hasPrefix(".git/"), relative != ".git" else { continue }
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
        files.append(root + "/" + relative)
      }
    }
    _ = try Self.git { () throws(GitError) in try git.commit(files: files.sorted(), message: message + "\n") }
  }

  /// `kubectl set env deployment/vllm VLLM_LOGGING_LEVEL=DEBUG`, as the client would send it.
  static func handEdit(_ repo: String) async throws {
    say("kubectl set env deployment/vllm -n llm-staging VLLM_LOGGING_LEVEL=DEBUG   (sent through the client as field manager kubectl-set)")
    let repository = EnvironmentRepository(root: repo)
    let config = try repository.config(of: "staging")
    let session = try ClusterConnector().connect(config, repository: repository)
    let id = ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "llm-staging", name: "vllm")
    let patch: Value = ["spec": ["template": ["spec": ["containers": [["name": "vllm", "env": [["name": "VLLM_LOGGING_LEVEL", "value": "DEBUG"]]]]]]]]
    _ = try await session.run { api, _ in
      try await api.patch(id, type: .strategicMerge, body: patch, subresource: nil, options: WriteOptions(fieldManager: "kubectl-set"))
    }
  }

  static func scratch(_ keep: String?) throws -> String {
    if let keep {
      let path = keep.hasPrefix("/") ? keep : FileManager.default.currentDirectoryPath + "/" + keep
      guard !FileManager.default.fileExists(atPath: path) else { throw ReleaseFailure.badInput("--keep \(keep): already exists; name a new directory") }
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
      return path
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("release-demo-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func git<T>(_ body: () throws(GitError) -> T) throws(ReleaseFailure) -> T {
    do {
      return try body()
    } catch {
      throw ReleaseFailure.badInput("demo: \(error)")
    }
  }
}
