import Foundation
import Testing

/// `release sim start` serves the embedded cluster for kubectl and for later `release`
/// commands; `stop` ends it and keeps what was done through it.
@Suite(.serialized) struct SimServeTests {
  static let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: vllm
      namespace: default
    spec:
      replicas: 2
      selector:
        matchLabels: {app: vllm}
      template:
        metadata:
          labels: {app: vllm}
        spec:
          tolerations:
          - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
          containers:
          - name: vllm
            image: vllm/vllm-openai:v0.6.3
            resources:
              limits: {nvidia.com/gpu: 1}

    """

  func kubectl(_ arguments: [String], kubeconfig: String, in directory: String) throws -> ReleaseBinary.Result {
    try ReleaseBinary.runProcess("/usr/bin/env", ["kubectl", "--kubeconfig", kubeconfig] + arguments, in: directory)
  }

  @Test func kubectlChangesAreSeenByReleaseAndKeptAfterStop() throws {
    let tree = try ScratchTree([
      "environments/a/kustomization.yaml": "resources: []\n", ".git/HEAD": "ref: refs/heads/main\n",
      "deploy.yaml": Self.deployment,
    ])
    defer {
      _ = try? ReleaseBinary.run(["sim", "stop"], in: tree.root)
      tree.remove()
    }
    let start = try ReleaseBinary.run(["sim", "start", "--speed", "500"], in: tree.root)
    #expect(start.status == 0, "\(start.stderr)")
    let kubeconfig = tree.root + "/.release/sim/kubeconfig"
    #expect(start.stdout.contains("export KUBECONFIG=\(kubeconfig)"))

    let again = try ReleaseBinary.run(["sim", "start"], in: tree.root)
    #expect(again.status == 0 && again.stdout.contains("already served"))

    let nodes = try kubectl(["get", "nodes", "-o", "name"], kubeconfig: kubeconfig, in: tree.root)
    #expect(nodes.stdout.split(separator: "\n").count == 4, "\(nodes.stderr)")
    let apply = try kubectl(["apply", "--server-side", "-f", "deploy.yaml"], kubeconfig: kubeconfig, in: tree.root)
    #expect(apply.status == 0, "\(apply.stderr)")
    let rollout = try kubectl(["rollout", "status", "deployment/vllm", "--timeout=60s"], kubeconfig: kubeconfig, in: tree.root)
    #expect(rollout.status == 0, "\(rollout.stderr)")

    // release itself goes through the server while it runs.
    let served = try ReleaseBinary.run(["sim", "status", "-o", "json"], in: tree.root)
    let servedJSON = try JSONSerialization.jsonObject(with: Data(served.stdout.utf8)) as? [String: Any]
    #expect((servedJSON?["server"] as? [String: Any])?["url"] as? String != nil, "\(served.stdout)\(served.stderr)")
    #expect((servedJSON?["pods"] as? [String: Any])?["ready"] as? Int == 2)

    let advance = try ReleaseBinary.run(["sim", "advance", "1m"], in: tree.root)
    #expect(advance.status == 2 && advance.stderr.contains("release sim stop"))

    let stop = try ReleaseBinary.run(["sim", "stop"], in: tree.root)
    #expect(stop.status == 0, "\(stop.stderr)")
    #expect(!FileManager.default.fileExists(atPath: tree.root + "/.release/sim/server.json"))
    #expect(try ReleaseBinary.run(["sim", "stop"], in: tree.root).stdout.contains("not served"))

    let after = try ReleaseBinary.run(["sim", "status", "-o", "json"], in: tree.root)
    let afterJSON = try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any]
    #expect(afterJSON?["server"] == nil)
    #expect((afterJSON?["pods"] as? [String: Any])?["ready"] as? Int == 2)
    #expect(((afterJSON?["nodes"] as? [[String: Any]]) ?? []).reduce(0.0) { $0 + (($1["gpusUsed"] as? Double) ?? 0) } == 2)
  }

  @Test func aBadScenarioStartsNothing() throws {
    let tree = try ScratchTree([
      "environments/a/kustomization.yaml": "resources: []\n", ".git/HEAD": "ref: refs/heads/main\n",
      "broken.yaml": "nodes: [{name: a, gpus: many}]\n",
    ])
    defer { tree.remove() }
    let start = try ReleaseBinary.run(["sim", "start", "--scenario", "broken.yaml"], in: tree.root)
    #expect(start.status == 2)
    #expect(start.stderr.contains("broken.yaml"))
    #expect(!FileManager.default.fileExists(atPath: tree.root + "/.release/sim/server.json"))
  }

  @Test func aScenarioForAnExistingClusterIsRefused() throws {
    let tree = try ScratchTree([
      "environments/a/kustomization.yaml": "resources: []\n", ".git/HEAD": "ref: refs/heads/main\n",
      "other.yaml": "nodes: [{name: solo, allocatable: {cpu: 4}}]\n",
    ])
    defer { tree.remove() }
    #expect(try ReleaseBinary.run(["sim", "advance", "1m"], in: tree.root).status == 0)
    let start = try ReleaseBinary.run(["sim", "start", "--scenario", "other.yaml"], in: tree.root)
    #expect(start.status == 2)
    #expect(start.stderr.contains("already exists") && start.stderr.contains("release sim reset"), "\(start.stderr)")
    #expect(!FileManager.default.fileExists(atPath: tree.root + "/.release/sim/server.json"))
  }
}
