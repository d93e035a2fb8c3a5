import Kube
import KubeSim
import Manifest

/// Scenarios and objects shared by the simulation tests.
enum SimFixtures {
  /// `gpus` single-GPU nodes; every image pulls in 10 s and loads its model in `load` seconds.
  static func gpuScenario(nodes: Int = 3, load: Double = 0, pull: Double = 10, seed: UInt64 = 7) -> Scenario {
    Scenario(
      nodes: (1...nodes).map {
        Scenario.Node(name: "gpu-\($0)", labels: [:], taints: [], allocatable: ["cpu": 16, "memory": 128 * 1_073_741_824, "nvidia.com/gpu": 1, "pods": 110], unschedulable: false)
      },
      defaults: Scenario.ImageBehaviour(pullSeconds: pull, modelLoadSeconds: load, metrics: ["gpu_cache_usage_perc": 0.5]),
      images: [
        Scenario.ImageRule(image: nil, tagSuffix: "-crash", behaviour: Scenario.ImageBehaviour(crashAfterSeconds: 5)),
        Scenario.ImageRule(image: nil, tagSuffix: "-never-ready", behaviour: Scenario.ImageBehaviour(neverReady: true)),
      ],
      objects: [["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "llm"]]],
      seed: seed)
  }

  static func deployment(
    replicas: Int64, image: String = "vllm:v1", gpu: Bool = true, maxSurge: Value = 1, maxUnavailable: Value = 0,
    strategy: String = "RollingUpdate", readinessDelay: Int64? = nil, name: String = "vllm"
  ) -> Value {
    var container: Value = ["name": "vllm", "image": .string(image)]
    if gpu { container["resources"] = ["limits": ["nvidia.com/gpu": 1]] }
    if let readinessDelay {
      container["readinessProbe"] = ["httpGet": ["path": "/health", "port": 8000], "initialDelaySeconds": .int(readinessDelay), "periodSeconds": 10]
    }
    var spec: Value = [
      "replicas": .int(replicas),
      "selector": ["matchLabels": ["app": .string(name)]],
      "template": ["metadata": ["labels": ["app": .string(name)]], "spec": ["containers": [container]]],
      "strategy": ["type": .string(strategy)],
    ]
    if strategy == "RollingUpdate" {
      spec[path: ["strategy", "rollingUpdate"]] = ["maxSurge": maxSurge, "maxUnavailable": maxUnavailable]
    }
    return ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name), "namespace": "llm"], "spec": spec]
  }

  static let deploymentID = ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "llm", name: "vllm")
  static let podGVK = GroupVersionKind(group: "", version: "v1", kind: "Pod")
  static let rsGVK = GroupVersionKind(group: "apps", version: "v1", kind: "ReplicaSet")

  static func setImage(_ sim: KubeSim, _ image: String) async throws {
    _ = try await sim.patch(
      deploymentID, type: .strategicMerge,
      body: ["spec": ["template": ["spec": ["containers": [["name": "vllm", "image": .string(image)]]]]]],
      subresource: nil, options: WriteOptions(fieldManager: "test"))
  }

  /// ReplicaSet sizes (spec.replicas) ordered by revision, and ready pods of the deployment.
  static func snapshot(_ sim: KubeSim) async throws -> (sizes: [Int64], ready: Int, pending: Int) {
    let sets = try await sim.list(rsGVK, namespace: "llm").items.sorted {
      Int($0.annotations["deployment.kubernetes.io/revision"]?.stringValue ?? "0") ?? 0
        < Int($1.annotations["deployment.kubernetes.io/revision"]?.stringValue ?? "0") ?? 0
    }
    let pods = try await sim.list(podGVK, namespace: "llm").items.filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }
    let ready = pods.filter { PodStatus.isReady($0) }.count
    let pending = pods.filter { $0[path: ["spec", "nodeName"]] == nil }.count
    return (sets.map { $0[path: ["spec", "replicas"]]?.intValue ?? 0 }, ready, pending)
  }
}
