import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest

/// Scenarios, manifests and server set-up shared by the kubectl tests.
enum ServerFixtures {
  static func gpuNode(_ name: String, gpus: Double = 1, unschedulable: Bool = false) -> Scenario.Node {
    Scenario.Node(
      name: name, labels: ["nvidia.com/gpu.present": "true"],
      allocatable: ["cpu": 16, "memory": 128 * 1_073_741_824, "nvidia.com/gpu": gpus, "pods": 110], unschedulable: unschedulable)
  }

  /// Three single-GPU nodes: the app's one replica can surge by one pod during an update.
  static func scenario(nodes: [Scenario.Node]? = nil) -> Scenario {
    Scenario(
      nodes: nodes ?? [gpuNode("gpu-1"), gpuNode("gpu-2"), gpuNode("gpu-3")],
      defaults: Scenario.ImageBehaviour(pullSeconds: 10, modelLoadSeconds: 0),
      objects: [["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "llm"]]],
      seed: 11, terminationSeconds: 2)
  }

  /// The example app: one GPU per pod, five minutes to readiness, a Service and a PDB.
  static func app(replicas: Int = 1, image: String = "vllm/vllm-openai:v0.6.0") -> String {
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: vllm
      namespace: llm
      labels: {app: vllm}
    spec:
      replicas: \(replicas)
      selector:
        matchLabels: {app: vllm}
      template:
        metadata:
          labels: {app: vllm}
        spec:
          containers:
          - name: vllm
            image: \(image)
            ports:
            - containerPort: 8000
            resources:
              limits: {nvidia.com/gpu: 1}
            readinessProbe:
              httpGet: {path: /health, port: 8000}
              initialDelaySeconds: 300
              periodSeconds: 10
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: vllm
      namespace: llm
    spec:
      selector: {app: vllm}
      ports:
      - port: 80
        targetPort: 8000
    ---
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata:
      name: vllm
      namespace: llm
    spec:
      minAvailable: 1
      selector:
        matchLabels: {app: vllm}
    """
  }

  static let deploymentID = ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "llm", name: "vllm")
  static let podGVK = GroupVersionKind(group: "", version: "v1", kind: "Pod")
  static let replicaSetGVK = GroupVersionKind(group: "apps", version: "v1", kind: "ReplicaSet")

  /// Starts a server on a free port, runs `body` with kubectl set up, and always shuts down.
  static func withServer<T>(
    tls: Bool, credential: KubeconfigCredential = .adminToken, scenario: Scenario = scenario(), speed: Double = 200,
    users: [ServerUser] = [], _ body: (KubeSimServer, ServerEndpoint, Kubectl) async throws -> T
  ) async throws -> T {
    let sim = KubeSim(scenario: scenario)
    let server = KubeSimServer(sim: sim, options: ServerOptions(tls: tls, speed: speed, users: users, anonymousUser: tls ? nil : ServerOptions.admin))
    let endpoint = try await server.start()
    let kubectl = try Kubectl(endpoint: endpoint, credential: credential)
    do {
      let result = try await body(server, endpoint, kubectl)
      await server.shutdown()
      kubectl.remove()
      return result
    } catch {
      await server.shutdown()
      kubectl.remove()
      throw error
    }
  }

  static func image(_ sim: KubeSim) async throws -> String? {
    try await sim.get(deploymentID)[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue
  }

  static func pods(_ sim: KubeSim) async throws -> [Value] {
    try await sim.list(podGVK, namespace: "llm").items
  }
}
