import Foundation
import Testing

/// `release demo` tells the whole story on a scratch repo and exits 0; `--keep` leaves it.
@Suite struct DemoCommandTests {
  @Test func theDemoTellsTheWholeStoryAndKeepsItsRepoWhenAsked() throws {
    let tree = try ScratchTree([:])
    defer { tree.remove() }
    let kept = tree.root + "/demo"
    let demo = try ReleaseBinary.run(["demo", "--keep", kept])
    #expect(demo.status == 0, "\(demo.stdout.suffix(3000))\n\(demo.stderr)")
    for line in [
      "rolling out, surge 1 per step", "rolling out, in place 1 per step", "Promoted-From: staging@",
      "gate crash-loop failed on deployment llm-staging/vllm", "rolled back: revision 2 is serving again",
      "was rolled back in revision 3", "(set by kubectl-set)", "(changed by kubectl-set)", "rolledBack",
    ] {
      #expect(demo.stdout.contains(line) || demo.stderr.contains(line), "missing: \(line)")
    }
    // The kept repo is a real git repo with the story in its log, and its clusters answer.
    let log = try ReleaseBinary.runProcess("/usr/bin/env", ["git", "log", "--format=%s"], in: kept)
    #expect(log.stdout.contains("Promote staging to prod") && log.stdout.contains("Bump vLLM to v0.6.5 in staging"), "\(log.stdout)")
    let status = try ReleaseBinary.run(["status", "prod"], in: kept)
    #expect(status.status == 0 && status.stdout.contains("vllm/vllm-openai:v0.6.4"), "\(status.stdout)")
  }
}
