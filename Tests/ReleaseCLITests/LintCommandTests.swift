import Foundation
import Testing

/// `release lint` as a user runs it, without a cluster: the exit code, the data on stdout and
/// the one error line on stderr.
@Suite struct LintCommandTests {
  @Test func theExampleLintsCleanAndSaysWhatItSkipped() throws {
    let result = try ReleaseBinary.run(["lint", "staging", "--no-cluster"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "lint for staging: no findings (8 rules run)\n\nskipped [pdb-safe-step]: no cluster (--no-cluster)\n")
    #expect(result.stderr == "")
  }

  @Test func anErrorExitsTwoWithTheFindingOnStdout() throws {
    let tree = try ScratchTree([:])
    defer { tree.remove() }
    for item in ["environments", "templates"] {
      try FileManager.default.copyItem(atPath: ReleaseBinary.packageRoot + "/" + item, toPath: tree.root + "/" + item)
    }
    let kustomization = tree.root + "/environments/staging/kustomization.yaml"
    let text = try String(contentsOfFile: kustomization, encoding: .utf8)
    try text.replacingOccurrences(of: "newTag: v0.6.3", with: "newTag: latest").write(
      toFile: kustomization, atomically: true, encoding: .utf8)

    let result = try ReleaseBinary.run(["lint", "staging", "--no-cluster", "--repo", tree.root])
    #expect(result.status == 2)
    #expect(
      result.stdout.hasPrefix("lint for staging: 1 error, 0 warnings\n\nerror [image-tag] Deployment.apps/vllm in namespace llm-staging\n"))
    #expect(result.stdout.contains("field:  spec.template.spec.containers[name=vllm].image\n"))
    #expect(result.stderr == "error: lint found 1 error in environment staging\n")

    let json = try ReleaseBinary.run(["lint", "staging", "--no-cluster", "--repo", tree.root, "-o", "json"])
    #expect(json.status == 2)
    let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(report["errors"] as? Int == 1)
    #expect((report["findings"] as? [[String: Any]])?.first?["rule"] as? String == "image-tag")
  }
}
