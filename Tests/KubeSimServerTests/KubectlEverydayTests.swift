import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

/// What a newcomer types first, with the real kubectl against the served cluster.
@Suite("everyday kubectl against KubeSimServer")
struct KubectlEverydayTests {
  /// The article's vLLM Deployment as written: one GPU per pod, no tolerations.
  static let article = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: vllm
      labels: {app: vllm}
    spec:
      replicas: 2
      selector:
        matchLabels: {app: vllm}
      template:
        metadata:
          labels: {app: vllm}
        spec:
          containers:
          - name: vllm
            image: vllm/vllm-openai:v0.6.3
            env:
            - {name: MODEL_NAME, value: Qwen/Qwen2.5-7B-Instruct}
            - {name: MAX_MODEL_LEN, value: "8192"}
            ports:
            - containerPort: 8000
            resources:
              requests: {memory: 16Gi}
              limits: {nvidia.com/gpu: 1, memory: 32Gi}
            readinessProbe:
              httpGet: {path: /health, port: 8000}
              initialDelaySeconds: 300
            volumeMounts:
            - {name: model-cache, mountPath: /root/.cache/huggingface}
          volumes:
          - name: model-cache
            persistentVolumeClaim: {claimName: model-cache}
    ---
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: model-cache
    spec:
      accessModes: [ReadOnlyMany]
      resources:
        requests: {storage: 100Gi}
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: vllm
    spec:
      selector: {app: vllm}
      ports:
      - {port: 80, targetPort: 8000}
    ---
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata:
      name: vllm
    spec:
      minAvailable: 1
      selector:
        matchLabels: {app: vllm}
    """

  /// The default cluster's GPU nodes are tainted, as on a managed cloud; the manifest runs
  /// as written because GPU pods are admitted with the matching toleration.
  @Test func theArticlesManifestRollsOutOnTheDefaultCluster() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, scenario: DefaultScenario.scenario()) { server, _, kubectl in
      let manifest = try kubectl.file("article.yaml", Self.article)
      let apply = try await kubectl("apply", "-n", "default", "-f", manifest)
      #expect(apply.status == 0, "\(apply.output)")
      let rollout = try await kubectl("rollout", "status", "-n", "default", "deploy/vllm", "--timeout=120s")
      #expect(rollout.status == 0, "\(rollout.output)")
      #expect(rollout.stdout.contains("successfully rolled out"))
      let pods = try await server.sim.list(ServerFixtures.podGVK, namespace: "default").items
      #expect(pods.count == 2)
      #expect(pods.allSatisfy { $0[path: ["spec", "nodeName"]]?.stringValue?.hasPrefix("gpu-node-") == true })
      let logs = try await kubectl("logs", "-n", "default", "deploy/vllm")
      #expect(logs.status == 0, "\(logs.output)")
      #expect(logs.stdout.contains("Starting to load model Qwen/Qwen2.5-7B-Instruct..."), "\(logs.stdout)")
      #expect(logs.stdout.contains("Loading safetensors checkpoint shards: 100% Completed"))
      #expect(logs.stdout.contains("Application startup complete."))
      let describe = try await kubectl("describe", "pod", "-n", "default", "-l", "app=vllm")
      #expect(describe.stdout.contains("nvidia.com/gpu:NoSchedule op=Exists"), "\(describe.stdout)")
    }
  }

  /// `kubectl describe` finds an object's events through field selectors: the pending pod's
  /// FailedScheduling, the Deployment's scaling, a cordoned node's NodeNotSchedulable.
  @Test func describeShowsEventsOfPodsDeploymentsAndNodes() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate) { server, _, kubectl in
      let manifest = try kubectl.file("app.yaml", ServerFixtures.app(replicas: 4))
      #expect(try await kubectl("apply", "-f", manifest).status == 0)
      let stalled = try await eventually {
        try await ServerFixtures.pods(server.sim).contains { PodStatus.condition($0, "PodScheduled")?["reason"] == "Unschedulable" }
      }
      #expect(stalled)
      let pending = try await ServerFixtures.pods(server.sim).first { $0[path: ["spec", "nodeName"]] == nil }
      let name = try #require(pending?.name)

      let pod = try await kubectl("describe", "pod", name)
      #expect(pod.status == 0, "\(pod.output)")
      let failed = pod.stdout.split(separator: "\n").first { $0.contains("FailedScheduling") }.map(String.init) ?? ""
      #expect(failed.contains("Warning"), "\(pod.stdout)")
      #expect(failed.contains("default-scheduler"))
      #expect(failed.contains("0/3 nodes are available: 3 Insufficient nvidia.com/gpu."))

      let deployment = try await kubectl("describe", "deploy", "vllm")
      #expect(deployment.stdout.contains("ScalingReplicaSet"), "\(deployment.stdout)")
      #expect(deployment.stdout.contains("deployment-controller"))

      #expect(try await kubectl("cordon", "gpu-1").status == 0)
      let node = try await kubectl("describe", "node", "gpu-1")
      #expect(node.stdout.contains("NodeNotSchedulable"), "\(node.stdout)")
      #expect(node.stdout.contains("Node gpu-1 status is now: NodeNotSchedulable"))
      #expect(node.stdout.contains("RegisteredNode"))

      let events = try await kubectl("get", "events", "--field-selector", "reason=FailedScheduling", "-o", "wide")
      #expect(events.status == 0, "\(events.output)")
      #expect(events.stdout.contains("pod/\(name)"))
    }
  }

  /// `kubectl delete namespace` takes everything in it: the namespace turns Terminating,
  /// refuses new content, waits for what holds it, then is gone.
  @Test func deletingANamespaceRemovesEverythingInIt() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate) { server, _, kubectl in
      let sim = server.sim
      let manifest = try kubectl.file("app.yaml", ServerFixtures.app(replicas: 2))
      #expect(try await kubectl("apply", "-f", manifest).status == 0)
      let held = try kubectl.file(
        "held.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\ndata: {a: \"1\"}\n")
      #expect(try await kubectl("apply", "-f", held).status == 0)
      #expect(try await kubectl("rollout", "status", "deploy/vllm", "--timeout=60s").status == 0)

      let delete = try await kubectl("delete", "namespace", "llm", "--wait=false")
      #expect(delete.status == 0, "\(delete.output)")
      #expect(delete.stdout.contains(#"namespace "llm" deleted"#))
      let emptied = try await eventually {
        let pods = try await ServerFixtures.pods(sim)
        let sets = try await sim.list(ServerFixtures.replicaSetGVK, namespace: "llm").items
        return pods.isEmpty && sets.isEmpty
      }
      #expect(emptied, "the namespace controller deletes the workloads")
      let phase = try await kubectl("get", "namespace", "llm", "-o", "jsonpath={.status.phase}")
      #expect(phase.stdout == "Terminating", "\(phase.output)")
      let describe = try await kubectl("describe", "namespace", "llm")
      #expect(describe.stdout.contains("Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"), "\(describe.stdout)")

      let late = try kubectl.file("late.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n")
      let refused = try await kubectl("apply", "-f", late)
      #expect(refused.status != 0)
      #expect(refused.stderr.contains("unable to create new content in namespace llm because it is being terminated"), "\(refused.output)")

      let release = try await kubectl("patch", "configmap", "held", "--type=merge", "-p", #"{"metadata":{"finalizers":null}}"#)
      #expect(release.status == 0, "\(release.output)")
      let wait = try await kubectl("wait", "--for=delete", "namespace/llm", "--timeout=60s")
      #expect(wait.status == 0, "\(wait.output)")
      await #expect(throws: KubeError.self) {
        try await sim.get(ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "Namespace"), namespace: nil, name: "llm"))
      }
      #expect(try await sim.list(GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "llm").items.isEmpty)
    }
  }
}

/// `kubectl autoscale` posts an autoscaling/v1 HorizontalPodAutoscaler (in protobuf); the
/// served cluster stores it as v2, and each version reads it back as upstream converts it.
@Suite("kubectl autoscale against KubeSimServer")
struct KubectlAutoscaleTests {
  @Test func autoscaleCreatesAnHPAThatBothVersionsRead() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, speed: 0) { server, _, kubectl in
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("app.yaml", ServerFixtures.app()))
      let autoscale = try await kubectl("autoscale", "deployment", "vllm", "--min", "1", "--max", "3", "--cpu-percent", "80")
      #expect(autoscale.status == 0, "\(autoscale.output)")
      #expect(autoscale.stdout == "horizontalpodautoscaler.autoscaling/vllm autoscaled\n")

      let stored = try await server.sim.get(
        ResourceID(gvk: GroupVersionKind(group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler"), namespace: "llm", name: "vllm"))
      #expect(stored[path: ["spec", "metrics"]] == [["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 80]]]])
      #expect(stored[path: ["spec", "scaleTargetRef"]] == ["kind": "Deployment", "name": "vllm", "apiVersion": "apps/v1"])

      let table = try await kubectl("get", "hpa")
      #expect(table.status == 0, "\(table.output)")
      let row = table.stdout.split(separator: "\n").last.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) } ?? []
      #expect(row.first == "vllm", "\(table.stdout)")
      #expect(row.contains("Deployment/vllm"))
      #expect(row.contains { $0.hasSuffix("/80%") }, "\(table.stdout)")
      #expect(Array(row.suffix(4).prefix(2)) == ["1", "3"], "MINPODS and MAXPODS: \(table.stdout)")

      // kubectl expands the short name `hpa` to its preferred version: the full name keeps v1.
      let v1 = try JSON.parse(try await kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "vllm", "-o", "json").stdout)
      #expect(v1.apiVersion == "autoscaling/v1")
      #expect(v1[path: ["spec", "targetCPUUtilizationPercentage"]] == 80)
      #expect(v1[path: ["spec", "metrics"]] == nil)

      // A v2 metric v1 cannot say rides in its annotation.
      let patch = #"{"spec":{"metrics":[{"type":"Pods","pods":{"metric":{"name":"gpu_cache_usage_perc"},"target":{"type":"AverageValue","averageValue":"800m"}}}]}}"#
      let patched = try await kubectl("patch", "horizontalpodautoscalers.v2.autoscaling", "vllm", "--type=merge", "-p", patch)
      #expect(patched.status == 0, "\(patched.output)")
      let annotated = try JSON.parse(try await kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "vllm", "-o", "json").stdout)
      #expect(annotated[path: ["spec", "targetCPUUtilizationPercentage"]] == nil)
      #expect(
        annotated[path: ["metadata", "annotations", "autoscaling.alpha.kubernetes.io/metrics"]]
          == #"[{"type":"Pods","pods":{"metricName":"gpu_cache_usage_perc","targetAverageValue":"800m"}}]"#)
    }
  }
}
