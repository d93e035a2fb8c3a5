import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

/// The release workflow driven by the real kubectl: each step checks what changed in the
/// cluster, not only kubectl's exit code.
@Suite("kubectl workflows against KubeSimServer")
struct KubectlWorkflowTests {
  /// The whole workflow over plain HTTP (kubectl sends no credentials there, so the server's
  /// anonymous user is the admin) and over HTTPS with the admin client certificate.
  @Test(arguments: [false, true]) func applyRolloutUpdateUndoDiffPatchScaleDelete(tls: Bool) async throws {
    try await ServerFixtures.withServer(tls: tls, credential: tls ? .clientCertificate : .adminToken) { server, _, kubectl in
      let sim = server.sim
      let manifest = try kubectl.file("app.yaml", ServerFixtures.app())
      let apply = try await kubectl("apply", "--server-side", "-f", manifest)
      #expect(apply.status == 0, "\(apply.output)")
      #expect(apply.stdout.contains("deployment.apps/vllm serverside-applied"))
      #expect(apply.stdout.contains("poddisruptionbudget.policy/vllm serverside-applied"))
      let deployment = try await sim.get(ServerFixtures.deploymentID)
      #expect(deployment[path: ["metadata", "managedFields"]]?.arrayValue?.first?["manager"] == "kubectl")

      let listed = try await kubectl("get", "deploy,rs,pods", "-o", "json")
      #expect(listed.status == 0, "\(listed.output)")
      let kinds = try JSON.parse(listed.stdout)["items"]?.arrayValue?.compactMap(\.kind) ?? []
      #expect(kinds.sorted() == ["Deployment", "Pod", "ReplicaSet"])

      let rollout = try await kubectl("rollout", "status", "deploy/vllm", "--timeout=60s")
      #expect(rollout.status == 0, "\(rollout.output)")
      #expect(rollout.stdout.contains("successfully rolled out"))
      #expect(try await sim.get(ServerFixtures.deploymentID)[path: ["status", "availableReplicas"]] == 1)

      let setImage = try await kubectl("set", "image", "deploy/vllm", "vllm=vllm/vllm-openai:v0.6.1")
      #expect(setImage.status == 0, "\(setImage.output)")
      #expect(try await ServerFixtures.image(sim) == "vllm/vllm-openai:v0.6.1")
      #expect(try await kubectl("rollout", "status", "deploy/vllm", "--timeout=60s").stdout.contains("successfully rolled out"))
      let updatedPods = try await ServerFixtures.pods(sim).filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }
      #expect(updatedPods.map { $0[path: ["spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue } == ["vllm/vllm-openai:v0.6.1"])

      // The image now belongs to kubectl-set: applying the old one again is a conflict.
      let conflicting = try await kubectl("apply", "--server-side", "-f", manifest)
      #expect(conflicting.status != 0)
      #expect(conflicting.stderr.contains(#"conflict with "kubectl-set""#), "\(conflicting.output)")
      #expect(try await ServerFixtures.image(sim) == "vllm/vllm-openai:v0.6.1")

      let undo = try await kubectl("rollout", "undo", "deploy/vllm")
      #expect(undo.status == 0, "\(undo.output)")
      #expect(try await ServerFixtures.image(sim) == "vllm/vllm-openai:v0.6.0")
      #expect(try await kubectl("rollout", "status", "deploy/vllm", "--timeout=60s").stdout.contains("successfully rolled out"))

      let unchanged = try await kubectl("diff", "--server-side", "-f", manifest)
      #expect(unchanged.status == 0, "\(unchanged.output)")
      let changedManifest = try kubectl.file("app-2.yaml", ServerFixtures.app(replicas: 2))
      let changed = try await kubectl("diff", "--server-side", "-f", changedManifest)
      #expect(changed.status == 1, "\(changed.output)")
      #expect(changed.stdout.contains("+  replicas: 2"))
      #expect(try await sim.get(ServerFixtures.deploymentID)[path: ["spec", "replicas"]] == 1, "diff must not change the cluster")

      let strategic = try await kubectl(
        "patch", "deploy", "vllm", "-p", #"{"spec":{"template":{"spec":{"containers":[{"name":"vllm","env":[{"name":"MODEL_NAME","value":"qwen"}]}]}}}}"#)
      #expect(strategic.status == 0, "\(strategic.output)")
      let merge = try await kubectl("patch", "deploy", "vllm", "--type", "merge", "-p", #"{"metadata":{"annotations":{"team":"inference"}}}"#)
      #expect(merge.status == 0, "\(merge.output)")
      let patched = try await sim.get(ServerFixtures.deploymentID)
      let container = patched[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first
      #expect(container?["image"] == "vllm/vllm-openai:v0.6.0", "a strategic patch merges containers by name")
      #expect(container?["env"] == [["name": "MODEL_NAME", "value": "qwen"]])
      #expect(patched.annotations["team"] == "inference")

      // Forcing takes the field back.
      #expect(try await kubectl("set", "image", "deploy/vllm", "vllm=vllm/vllm-openai:v0.6.2").status == 0)
      let forced = try await kubectl("apply", "--server-side", "--force-conflicts", "-f", manifest)
      #expect(forced.status == 0, "\(forced.output)")
      #expect(try await ServerFixtures.image(sim) == "vllm/vllm-openai:v0.6.0")

      let scale = try await kubectl("scale", "deploy/vllm", "--replicas=2")
      #expect(scale.status == 0, "\(scale.output)")
      #expect(try await sim.get(ServerFixtures.deploymentID)[path: ["spec", "replicas"]] == 2)

      let delete = try await kubectl("delete", "deploy", "vllm")
      #expect(delete.status == 0, "\(delete.output)")
      #expect(delete.stdout.contains(#"deployment.apps "vllm" deleted"#))
      let gone = try await eventually {
        let sets = try await sim.list(ServerFixtures.replicaSetGVK, namespace: "llm").items
        let pods = try await ServerFixtures.pods(sim)
        return sets.isEmpty && pods.isEmpty
      }
      #expect(gone, "cascading deletion removes the ReplicaSets and pods")
    }
  }

  @Test func clientCertificateOverHTTPSWithTablesAndGPUShortage() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate) { server, _, kubectl in
      let manifest = try kubectl.file("app.yaml", ServerFixtures.app())
      #expect(try await kubectl("apply", "--server-side", "-f", manifest).status == 0)
      #expect(try await kubectl("rollout", "status", "deploy/vllm", "--timeout=60s").stdout.contains("successfully rolled out"))

      let table = try await kubectl("get", "pods")
      #expect(table.status == 0, "\(table.output)")
      let header = table.stdout.split(separator: "\n").first.map(String.init) ?? ""
      #expect(header.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"])
      #expect(table.stdout.contains("1/1") && table.stdout.contains("Running"))
      let logs = try await kubectl("logs", "deploy/vllm")
      #expect(logs.status == 0, "\(logs.output)")
      #expect(logs.stdout.contains("container vllm (vllm/vllm-openai:v0.6.0) started"))
      let deployments = try await kubectl("get", "deploy", "-o", "wide")
      #expect(deployments.stdout.contains("UP-TO-DATE") && deployments.stdout.contains("vllm/vllm-openai:v0.6.0"))

      // Three single-GPU nodes: five replicas leave two pods Pending.
      #expect(try await kubectl("scale", "deploy/vllm", "--replicas=5").status == 0)
      let pending = try await eventually {
        try await ServerFixtures.pods(server.sim).filter { $0[path: ["spec", "nodeName"]] == nil }.count == 2
      }
      #expect(pending)
      let pods = try await kubectl("get", "pods", "-o", "json")
      let unscheduled = (try JSON.parse(pods.stdout)["items"]?.arrayValue ?? []).filter { $0[path: ["status", "phase"]] == "Pending" && $0[path: ["spec", "nodeName"]] == nil }
      #expect(unscheduled.count == 2)
      for pod in unscheduled {
        let scheduled = pod[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "PodScheduled" }
        #expect(scheduled?["status"] == "False")
        #expect(scheduled?["reason"] == "Unschedulable")
        #expect(scheduled?["message"]?.stringValue?.contains("Insufficient nvidia.com/gpu") == true)
      }
    }
  }

  /// Two pods on one two-GPU node, a PDB of minAvailable 1 and a spare node: drain evicts one
  /// pod, is refused (429) for the other until its replacement is ready on the spare node,
  /// retries and finishes.
  @Test func drainHonoursThePodDisruptionBudget() async throws {
    let scenario = ServerFixtures.scenario(nodes: [
      ServerFixtures.gpuNode("gpu-big", gpus: 2), ServerFixtures.gpuNode("gpu-spare", gpus: 2, unschedulable: true),
    ])
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, scenario: scenario) { server, _, kubectl in
      let sim = server.sim
      let manifest = try kubectl.file("app.yaml", ServerFixtures.app(replicas: 2))
      #expect(try await kubectl("apply", "--server-side", "-f", manifest).status == 0)
      #expect(try await kubectl("rollout", "status", "deploy/vllm", "--timeout=60s").stdout.contains("successfully rolled out"))
      #expect(try await ServerFixtures.pods(sim).compactMap { $0[path: ["spec", "nodeName"]]?.stringValue } == ["gpu-big", "gpu-big"])
      #expect(try await kubectl("uncordon", "gpu-spare").status == 0)

      // -v=6 logs each request with its status: the refused eviction shows as a 429.
      let drain = try await kubectl("drain", "gpu-big", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s", "-v=6")
      #expect(drain.status == 0, "\(drain.output)")
      let evictions = drain.stderr.split(separator: "\n").filter { $0.contains("POST") && $0.contains("/eviction") }
      // By status text: " 201 " alone also matches a latency ("in 201 milliseconds").
      #expect(evictions.filter { $0.contains(" 429 Too Many Requests") }.count == 1, "one eviction was refused by the budget: \(evictions)")
      #expect(evictions.filter { $0.contains(" 201 Created") }.count == 2, "\(evictions)")
      #expect(drain.stdout.contains("node/gpu-big drained"))
      let node = try await sim.get(ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "Node"), namespace: nil, name: "gpu-big"))
      #expect(node[path: ["spec", "unschedulable"]] == true)
      let moved = try await eventually {
        let pods = try await ServerFixtures.pods(sim)
        return pods.count == 2 && pods.allSatisfy { $0[path: ["spec", "nodeName"]] == "gpu-spare" }
      }
      #expect(moved)
    }
  }

  @Test func invalidObjectIsRejectedWithItsCauses() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate) { server, _, kubectl in
      let manifest = try kubectl.file(
        "broken.yaml",
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: broken
        spec:
          replicas: -1
          selector:
            matchLabels: {app: broken}
          template:
            metadata:
              labels: {app: broken}
            spec:
              containers:
              - name: c
                image: nginx:1
        """)
      let create = try await kubectl("create", "-f", manifest)
      #expect(create.status != 0)
      #expect(create.stderr.contains(#"The Deployment "broken" is invalid"#), "\(create.output)")
      #expect(create.stderr.contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0"))
      let listed = try await server.sim.list(GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "llm")
      #expect(listed.items.isEmpty)
    }
  }
}

/// Polls `condition` every 50 ms until it holds (true), for at most 2 minutes of real time (the
/// server's clock runs meanwhile): a bound on failure, not a claim about speed.
func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
  for _ in 0..<2_400 {
    if try await condition() { return true }
    try await Task.sleep(for: .milliseconds(50))
  }
  return try await condition()
}
