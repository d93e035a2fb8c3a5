import Foundation
import Testing

/// `release render|diff ENV --at REV` read the commit's tree through libgit2, not the checkout.
@Suite struct RenderAtRevisionTests {
  func git(_ tree: ScratchTree, _ arguments: [String]) throws {
    let result = try ReleaseBinary.runProcess("/usr/bin/env", ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments, in: tree.root)
    #expect(result.status == 0, "git \(arguments): \(result.stderr)")
  }

  @Test func rendersAndDiffsAnEarlierCommitWithoutACheckout() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    let file = tree.root + "/environments/prod/kustomization.yaml"
    let text = try String(contentsOfFile: file, encoding: .utf8)
    try text.replacingOccurrences(of: "newTag: v0.6.2", with: "newTag: v0.6.3").write(toFile: file, atomically: true, encoding: .utf8)
    try git(tree, ["commit", "-qam", "bump prod"])
    try git(tree, ["tag", "bumped"])
    // The working tree moves on (uncommitted): --at still reads the commits.
    try text.replacingOccurrences(of: "newTag: v0.6.2", with: "newTag: v9").write(toFile: file, atomically: true, encoding: .utf8)
    for (revision, tag) in [("HEAD~1", "v0.6.2"), ("bumped", "v0.6.3"), ("main", "v0.6.3")] {
      let render = try ReleaseBinary.run(["render", "prod", "--at", revision], in: tree.root)
      #expect(render.status == 0, "\(render.stderr)")
      #expect(render.stdout.contains("image: vllm/vllm-openai:\(tag)"), "\(revision): \(render.stdout)")
    }
    #expect(try ReleaseBinary.run(["apply", "prod", "--yes"], in: tree.root).status == 0)  // v9 from the working tree
    let diff = try ReleaseBinary.run(["diff", "prod", "--at", "HEAD~1"], in: tree.root)
    #expect(diff.status == 1 && diff.stdout.contains("+        image: vllm/vllm-openai:v0.6.2"), "\(diff.stdout)")
    let missing = try ReleaseBinary.run(["render", "prod", "--at", "no-such-branch"], in: tree.root)
    #expect(missing.status == 2 && missing.stderr.contains("no commit no-such-branch"), "\(missing.stderr)")
  }

  @Test func aSymbolicLinkInTheCommitIsNeverFollowed() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    try FileManager.default.createSymbolicLink(atPath: tree.root + "/environments/prod/secret.yaml", withDestinationPath: "/etc/passwd")
    let file = tree.root + "/environments/prod/kustomization.yaml"
    let text = try String(contentsOfFile: file, encoding: .utf8)
    try text.replacingOccurrences(of: "  - namespace.yaml\n", with: "  - namespace.yaml\n  - secret.yaml\n").write(toFile: file, atomically: true, encoding: .utf8)
    try git(tree, ["add", "-A"])
    try git(tree, ["commit", "-qm", "a link out of the repo"])
    let render = try ReleaseBinary.run(["render", "prod", "--at", "HEAD"], in: tree.root)
    #expect(render.status == 2, "\(render.stdout)")
    #expect(render.stderr.contains("secret.yaml") && render.stderr.contains("symbolic link"), "\(render.stderr)")
    #expect(!render.stdout.contains("root:"))
  }
}
