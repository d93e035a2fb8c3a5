import Foundation

/// Real repositories in a temporary directory, made with the `git` command line so the code
/// under test reads what git itself wrote.
struct GitScratch {
  let root: String

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("gitstore-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  func remove() { try? FileManager.default.removeItem(atPath: root) }

  /// `git ARGS` in `directory` (relative to the scratch root); its trimmed stdout.
  @discardableResult
  func git(_ arguments: [String], in directory: String = "") throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory.isEmpty ? root : root + "/" + directory)
    let out = Pipe()
    process.standardOutput = out
    process.standardError = Pipe()
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw FixtureError("git \(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func write(_ path: String, _ text: String) throws {
    let url = URL(fileURLWithPath: root + "/" + path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  /// A working repo `work` with one commit, and a bare `remote.git` it pushes to.
  func makeRemote() throws -> (remote: String, head: String) {
    try git(["init", "-q", "work"])
    try write("work/environments/staging/kustomization.yaml", "resources: []\n")
    try git(["add", "-A"], in: "work")
    try git(["commit", "-q", "-m", "first"], in: "work")
    try git(["clone", "-q", "--bare", "work", "remote.git"])
    try git(["remote", "add", "origin", root + "/remote.git"], in: "work")
    return (root + "/remote.git", try git(["rev-parse", "HEAD"], in: "work"))
  }

  /// Commits a change in `work` and pushes it; the new SHA.
  func pushChange(_ path: String, _ text: String, branch: String = "main") throws -> String {
    try write("work/" + path, text)
    try git(["add", "-A"], in: "work")
    try git(["commit", "-q", "-m", "change \(path)"], in: "work")
    try git(["push", "-q", "origin", "HEAD:\(branch)"], in: "work")
    return try git(["rev-parse", "HEAD"], in: "work")
  }
}

struct FixtureError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
