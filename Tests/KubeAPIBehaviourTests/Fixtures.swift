import Foundation
import Kube
import KubeSim
import Manifest

enum Fixtures {
  static let configMapGVK = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
  static let deploymentGVK = GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")
  static let replicaSetGVK = GroupVersionKind(group: "apps", version: "v1", kind: "ReplicaSet")
  static let podGVK = GroupVersionKind(group: "", version: "v1", kind: "Pod")
  static let deploymentID = ResourceID(gvk: deploymentGVK, namespace: "llm", name: "vllm")

  static func scenario(nodes: Int = 3, faults: [Scenario.Fault] = [], seed: UInt64 = 7) -> Scenario {
    Scenario(
      nodes: (1...nodes).map {
        Scenario.Node(
          name: "gpu-\($0)", allocatable: ["cpu": 16, "memory": 128 * 1_073_741_824, "nvidia.com/gpu": 1, "pods": 110])
      },
      defaults: Scenario.ImageBehaviour(pullSeconds: 10, modelLoadSeconds: 0),
      objects: [["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "llm"]]],
      faults: faults, seed: seed)
  }

  static func configMap(_ name: String, labels: Value = [:], data: Value = ["k": "v"]) -> Value {
    [
      "apiVersion": "v1", "kind": "ConfigMap",
      "metadata": ["name": .string(name), "namespace": "llm", "labels": labels], "data": data,
    ]
  }

  static func configMapID(_ name: String) -> ResourceID { ResourceID(gvk: configMapGVK, namespace: "llm", name: name) }

  static func deployment(replicas: Int64, image: String = "vllm:v1") -> Value {
    [
      "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "vllm", "namespace": "llm"],
      "spec": [
        "replicas": .int(replicas),
        "selector": ["matchLabels": ["app": "vllm"]],
        "template": [
          "metadata": ["labels": ["app": "vllm"]],
          "spec": [
            "containers": [["name": "vllm", "image": .string(image), "resources": ["limits": ["nvidia.com/gpu": 1]]]]
          ],
        ],
      ],
    ]
  }

  static let budget: Value = [
    "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": ["name": "vllm", "namespace": "llm"],
    "spec": ["minAvailable": 1, "selector": ["matchLabels": ["app": "vllm"]]],
  ]

  /// Live (not terminating) pods of the deployment, by name.
  static func livePods(_ api: any KubeAPI) async throws -> [ResourceID] {
    try await api.list(podGVK, namespace: "llm").items
      .filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }
      .compactMap(\.resourceID).sorted()
  }
}

extension KubeError {
  var causes: [StatusCause] {
    if case .status(let status) = self { return status.details?.causes ?? [] }
    return []
  }
}
