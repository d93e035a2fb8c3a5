import Foundation
import Testing

/// The kubectl workflow of a platform engineer against `release sim start`'s cluster, on the
/// example staging environment rendered by release itself. kubectl is the independent judge:
/// every step is checked by reading the cluster back through kubectl.
@Suite(.serialized) struct SimServeKubectlTests {
  struct Cluster {
    let tree: ScratchTree
    var kubeconfig: String { tree.root + "/.release/sim/kubeconfig" }

    func kubectl(_ arguments: String...) throws -> ReleaseBinary.Result { try kubectl(arguments) }

    func kubectl(_ arguments: [String]) throws -> ReleaseBinary.Result {
      try ReleaseBinary.runProcess(
        "/usr/bin/env", ["kubectl", "--kubeconfig", kubeconfig, "--cache-dir", tree.root + "/.kube-cache", "--request-timeout", "30s"] + arguments,
        in: tree.root)
    }

    func json(_ arguments: String...) throws -> [String: Any] {
      let result = try ReleaseBinary.runProcess(
        "/usr/bin/env", ["kubectl", "--kubeconfig", kubeconfig, "--cache-dir", tree.root + "/.kube-cache"] + arguments + ["-o", "json"],
        in: tree.root)
      return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    func pods(_ namespace: String) throws -> [[String: Any]] {
      (try json("get", "pods", "-n", namespace)["items"] as? [[String: Any]] ?? [])
        .filter { ($0["metadata"] as? [String: Any])?["deletionTimestamp"] == nil }
    }

    func image(_ namespace: String) throws -> String? {
      let deployment = try json("get", "deploy/vllm", "-n", namespace)
      let containers = ((deployment["spec"] as? [String: Any])?["template"] as? [String: Any]).flatMap { ($0["spec"] as? [String: Any])?["containers"] as? [[String: Any]] }
      return containers?.first?["image"] as? String
    }

    /// The server runs on its own clock; a real-time poll is the only way to wait on it (for at
    /// most 2 minutes: a bound on failure, not a claim about speed).
    func eventually(_ condition: () throws -> Bool) throws -> Bool {
      for _ in 0..<1_200 {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.1)
      }
      return try condition()
    }
  }

  static func isReady(_ pod: [String: Any]) -> Bool {
    let conditions = (pod["status"] as? [String: Any])?["conditions"] as? [[String: Any]] ?? []
    return conditions.contains { $0["type"] as? String == "Ready" && $0["status"] as? String == "True" }
  }

  static func node(_ pod: [String: Any]) -> String? { (pod["spec"] as? [String: Any])?["nodeName"] as? String }

  @Test func kubectlWorkflowOnTheExampleEnvironment() throws {
    let rendered = try ReleaseBinary.run(["render", "staging"])
    #expect(rendered.status == 0, "\(rendered.stderr)")
    let tree = try ScratchTree([
      "environments/a/kustomization.yaml": "resources: []\n", ".git/HEAD": "ref: refs/heads/main\n",
      "staging.yaml": rendered.stdout,
      "staging-3.yaml": rendered.stdout.replacingOccurrences(of: "replicas: 2", with: "replicas: 3"),
      "invalid.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken, namespace: llm-staging}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec: {containers: []}\n",
    ])
    let cluster = Cluster(tree: tree)
    defer {
      _ = try? ReleaseBinary.run(["sim", "stop"], in: tree.root)
      tree.remove()
    }
    let ns = "llm-staging"
    #expect(try ReleaseBinary.run(["sim", "start", "--speed", "500"], in: tree.root).status == 0)

    let apply = try cluster.kubectl("apply", "--server-side", "-f", "staging.yaml")
    #expect(apply.status == 0, "\(apply.stderr)")
    #expect(apply.stdout.contains("deployment.apps/vllm serverside-applied"))
    #expect(try cluster.kubectl("rollout", "status", "-n", ns, "deploy/vllm", "--timeout=60s").stdout.contains("successfully rolled out"))
    let kinds = (try cluster.json("get", "deploy,rs,pods", "-n", ns)["items"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
    #expect(kinds.sorted() == ["Deployment", "Pod", "Pod", "ReplicaSet"])
    #expect(try cluster.pods(ns).filter(Self.isReady).count == 2)
    let original = try cluster.image(ns)

    // set image rolls out; undo brings the rendered image back.
    #expect(try cluster.kubectl("set", "image", "-n", ns, "deploy/vllm", "vllm=vllm/vllm-openai:v0.6.5").status == 0)
    #expect(try cluster.kubectl("rollout", "status", "-n", ns, "deploy/vllm", "--timeout=60s").status == 0)
    #expect(try cluster.eventually { try cluster.pods(ns).allSatisfy { (($0["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first?["image"] as? String == "vllm/vllm-openai:v0.6.5" } })
    #expect(try cluster.kubectl("rollout", "undo", "-n", ns, "deploy/vllm").status == 0)
    #expect(try cluster.image(ns) == original)
    #expect(try cluster.kubectl("rollout", "status", "-n", ns, "deploy/vllm", "--timeout=60s").status == 0)

    // diff: nothing to change against the rendered objects; a replica change shows, and is not made.
    let unchanged = try cluster.kubectl("diff", "--server-side", "-f", "staging.yaml")
    #expect(unchanged.status == 0, "\(unchanged.stdout)\(unchanged.stderr)")
    let changed = try cluster.kubectl("diff", "--server-side", "-f", "staging-3.yaml")
    #expect(changed.status == 1, "\(changed.stderr)")
    #expect(changed.stdout.contains("+  replicas: 3"))
    #expect((try cluster.json("get", "deploy/vllm", "-n", ns)["spec"] as? [String: Any])?["replicas"] as? Int == 2)

    // Strategic merge keeps the container and adds the variable; a merge patch adds the annotation.
    let strategic = #"{"spec":{"template":{"spec":{"containers":[{"name":"vllm","env":[{"name":"VLLM_LOGGING_LEVEL","value":"DEBUG"}]}]}}}}"#
    #expect(try cluster.kubectl("patch", "-n", ns, "deploy/vllm", "-p", strategic).status == 0)
    #expect(try cluster.kubectl("patch", "-n", ns, "deploy/vllm", "--type", "merge", "-p", #"{"metadata":{"annotations":{"team":"inference"}}}"#).status == 0)
    let patched = try cluster.json("get", "deploy/vllm", "-n", ns)
    #expect(((patched["metadata"] as? [String: Any])?["annotations"] as? [String: Any])?["team"] as? String == "inference")
    #expect(try cluster.image(ns) == original)
    let containers = (((patched["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]]
    #expect((containers?.first?["env"] as? [[String: Any]])?.contains { $0["name"] as? String == "VLLM_LOGGING_LEVEL" } == true)
    #expect((containers?.first?["envFrom"] as? [Any])?.count == 1, "the rendered envFrom is kept")
    #expect(try cluster.kubectl("rollout", "status", "-n", ns, "deploy/vllm", "--timeout=60s").status == 0)

    // A restart keeps every object; a slower clock lets the drain below meet the budget mid-way.
    #expect(try ReleaseBinary.run(["sim", "stop"], in: tree.root).status == 0)
    #expect(try ReleaseBinary.run(["sim", "start", "--speed", "60"], in: tree.root).status == 0)
    #expect(try cluster.pods(ns).filter(Self.isReady).count == 2)

    // Draining both nodes that hold the pods: the PDB (minAvailable 1) refuses the second
    // eviction until the first pod's replacement is ready on the third GPU node; the second
    // replacement finds no GPU left and stays Pending.
    let nodes = Set(try cluster.pods(ns).compactMap(Self.node)).sorted()
    #expect(nodes.count == 2)
    let drain = try cluster.kubectl(["drain"] + nodes + ["--ignore-daemonsets", "--delete-emptydir-data", "--timeout=90s"])
    #expect(drain.status == 0, "\(drain.stdout)\(drain.stderr)")
    #expect((drain.stdout + drain.stderr).contains("disruption budget"), "one eviction was refused and retried: \(drain.stdout)")
    #expect(try cluster.eventually { try cluster.pods(ns).filter(Self.isReady).count == 1 })
    let remaining = try cluster.pods(ns)
    #expect(remaining.filter(Self.isReady).compactMap(Self.node).allSatisfy { !nodes.contains($0) })
    let pending = remaining.filter { Self.node($0) == nil }
    #expect(pending.count == 1)
    let scheduled = ((pending.first?["status"] as? [String: Any])?["conditions"] as? [[String: Any]])?.first { $0["type"] as? String == "PodScheduled" }
    #expect((scheduled?["message"] as? String)?.contains("Insufficient nvidia.com/gpu") == true, "\(String(describing: scheduled))")
    for node in nodes { #expect(try cluster.kubectl("uncordon", node).status == 0) }

    // scale, then cascading delete.
    #expect(try cluster.kubectl("delete", "-n", ns, "hpa/vllm").status == 0)
    #expect(try cluster.kubectl("scale", "-n", ns, "deploy/vllm", "--replicas=1").status == 0)
    #expect(try cluster.eventually { try cluster.pods(ns).count == 1 })
    #expect(try cluster.kubectl("delete", "-n", ns, "deploy/vllm").status == 0)
    #expect(try cluster.eventually {
      try cluster.pods(ns).isEmpty && (try cluster.json("get", "rs", "-n", ns)["items"] as? [Any] ?? [1]).isEmpty
    })

    let invalid = try cluster.kubectl("create", "-f", "invalid.yaml")
    #expect(invalid.status != 0)
    #expect(invalid.stderr.contains("is invalid"), "\(invalid.stderr)")
    #expect(invalid.stderr.contains("spec.template.metadata.labels"), "\(invalid.stderr)")
  }
}
