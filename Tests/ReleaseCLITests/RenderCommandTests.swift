import Foundation
import Testing

@Suite struct RenderCommandTests {
  @Test func rendersTheStagingEnvironmentExactlyAsKubectlKustomize() throws {
    let ours = try ReleaseBinary.run(["render", "staging"])
    #expect(ours.status == 0, "\(ours.stderr)")
    let reference = try ReleaseBinary.runProcess(
      "/usr/bin/env", ["kubectl", "kustomize", "environments/staging"], in: ReleaseBinary.packageRoot)
    #expect(reference.status == 0)
    #expect(ours.stdout == reference.stdout)
    #expect(ours.stdout.contains("MAX_MODEL_LEN: \"8192\""))
  }

  @Test func rendersADirectoryLikeKustomizeBuild() throws {
    let ours = try ReleaseBinary.run(["render", "templates/vllm"])
    let reference = try ReleaseBinary.runProcess(
      "/usr/bin/env", ["kubectl", "kustomize", "templates/vllm"], in: ReleaseBinary.packageRoot)
    #expect(ours.status == 0)
    #expect(ours.stdout == reference.stdout)
  }

  @Test func findsTheRepoFromASubdirectoryAndWithRepoFlag() throws {
    let fromSub = try ReleaseBinary.run(["render", "prod"], in: ReleaseBinary.packageRoot + "/templates")
    #expect(fromSub.status == 0, "\(fromSub.stderr)")
    let tree = try ScratchTree([:])
    defer { tree.remove() }
    let withFlag = try ReleaseBinary.run(["render", "prod", "--repo", ReleaseBinary.packageRoot], in: tree.root)
    #expect(withFlag.status == 0, "\(withFlag.stderr)")
    #expect(withFlag.stdout == fromSub.stdout)
    #expect(withFlag.stdout.contains("namespace: llm-prod"))
  }

  @Test func rendersEveryEnvironmentGroupedByName() throws {
    let result = try ReleaseBinary.run(["render", "--all"])
    #expect(result.status == 0, "\(result.stderr)")
    let prodStart = try #require(result.stdout.range(of: "# environment: prod\n"))
    let stagingStart = try #require(result.stdout.range(of: "# environment: staging\n"))
    #expect(prodStart.lowerBound < stagingStart.lowerBound)
    #expect(result.stdout.hasPrefix("# environment: prod\n"))
  }

  @Test func printsAListAsJSON() throws {
    let result = try ReleaseBinary.run(["render", "staging", "-o", "json"])
    #expect(result.status == 0)
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    #expect(json?["kind"] as? String == "List")
    let items = json?["items"] as? [[String: Any]]
    #expect(items?.count == 8)
  }

  struct BadInput: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [String: String]
    var arguments: [String]
    var message: String
    var testDescription: String { name }
  }

  static let badInputs: [BadInput] = [
    BadInput(
      name: "unknown environment", files: ["environments/staging/kustomization.yaml": "resources: []\n"],
      arguments: ["render", "nope"], message: "unknown environment \"nope\" (known: staging)"),
    BadInput(
      name: "missing resource file", files: ["environments/a/kustomization.yaml": "resources:\n- missing.yaml\n"],
      arguments: ["render", "a"], message: "missing.yaml"),
    BadInput(
      name: "malformed YAML names its line",
      files: [
        "environments/a/kustomization.yaml": "resources:\n- cm.yaml\n",
        "environments/a/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [unclosed\n",
      ], arguments: ["render", "a"], message: "cm.yaml:"),
    BadInput(
      name: "cycle between bases",
      files: [
        "environments/a/kustomization.yaml": "resources:\n- ../../bases/one\n",
        "bases/one/kustomization.yaml": "resources:\n- ../two\n",
        "bases/two/kustomization.yaml": "resources:\n- ../one\n",
      ], arguments: ["render", "a"], message: "cycle"),
    BadInput(
      name: "file outside the kustomization root",
      files: [
        "environments/a/kustomization.yaml": "resources:\n- ../../secret.yaml\n",
        "secret.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
      ], arguments: ["render", "a"], message: "secret.yaml"),
    BadInput(
      name: "duplicate resource ids",
      files: [
        "environments/a/kustomization.yaml": "resources:\n- one.yaml\n- two.yaml\n",
        "environments/a/one.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        "environments/a/two.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
      ], arguments: ["render", "a"], message: "ConfigMap"),
    BadInput(
      name: "JSON6902 patch without a target",
      files: [
        "environments/a/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- patch: |-\n    - op: add\n      path: /data/x\n      value: y\n",
        "environments/a/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
      ], arguments: ["render", "a"], message: "patches"),
    BadInput(
      name: "unknown kustomization field",
      files: ["environments/a/kustomization.yaml": "resources: []\nnamePrefx: x-\n"],
      arguments: ["render", "a"], message: "namePrefx"),
    BadInput(
      name: "environment and --all together", files: ["environments/a/kustomization.yaml": "resources: []\n"],
      arguments: ["render", "a", "--all"], message: "give an environment or --all, not both"),
  ]

  @Test(arguments: badInputs)
  func rejectsBadInputWithOneMessageAndExitCode2(_ input: BadInput) throws {
    var files = input.files
    files[".git/HEAD"] = "ref: refs/heads/main\n"
    let tree = try ScratchTree(files)
    defer { tree.remove() }
    let result = try ReleaseBinary.run(input.arguments, in: tree.root)
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
    #expect(result.stderr.contains(input.message), "\(result.stderr)")
    #expect(!result.stderr.contains(tree.root), "messages use paths relative to the repo: \(result.stderr)")
  }
}
