import Kube
import Manifest
import Rollout
import Testing

/// Free GPUs per node and which nodes a pod can land on, as the scheduler's filters decide.
@Suite struct GPUCapacityTests {
  static let gpuTaint = Taint(key: "nvidia.com/gpu", effect: "NoSchedule")

  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var nodes: [GPUNode]
    var pods: [NodePod]
    var placement: PodPlacement
    var free: Int
    var landsOn: [String]
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "allocatable minus requests of bound pods", nodes: PlanFixtures.nodes(2, gpus: 2),
      pods: [NodePod(namespace: "a", name: "p", nodeName: "gpu-node-1", gpus: 1)], placement: PodPlacement(gpusPerPod: 1), free: 3,
      landsOn: ["gpu-node-1", "gpu-node-2"]),
    Case(
      name: "a terminating pod still holds its GPU", nodes: PlanFixtures.nodes(2),
      pods: [NodePod(namespace: "a", name: "p", nodeName: "gpu-node-2", gpus: 1, terminating: true, ready: false)],
      placement: PodPlacement(gpusPerPod: 1), free: 1, landsOn: ["gpu-node-1", "gpu-node-2"]),
    Case(
      name: "a finished pod holds nothing", nodes: PlanFixtures.nodes(2),
      pods: [NodePod(namespace: "a", name: "p", nodeName: "gpu-node-2", gpus: 1, finished: true, ready: false)],
      placement: PodPlacement(gpusPerPod: 1), free: 2, landsOn: ["gpu-node-1", "gpu-node-2"]),
    Case(
      name: "a pending pod holds no node's GPU", nodes: PlanFixtures.nodes(1),
      pods: [NodePod(namespace: "a", name: "p", nodeName: nil, gpus: 1, ready: false)], placement: PodPlacement(gpusPerPod: 1),
      free: 1, landsOn: ["gpu-node-1"]),
    Case(
      name: "an over-committed node has none free", nodes: PlanFixtures.nodes(1),
      pods: [NodePod(namespace: "a", name: "p", nodeName: "gpu-node-1", gpus: 2)], placement: PodPlacement(gpusPerPod: 1), free: 0,
      landsOn: ["gpu-node-1"]),
    Case(
      name: "an untolerated taint keeps the pod off", nodes: PlanFixtures.nodes(2, taints: [gpuTaint]) + PlanFixtures.nodes(1, prefix: "plain"),
      pods: [], placement: PodPlacement(gpusPerPod: 1), free: 1, landsOn: ["plain-1"]),
    Case(
      name: "a toleration (Exists) lets it on", nodes: PlanFixtures.nodes(2, taints: [gpuTaint]), pods: [],
      placement: PodPlacement(tolerations: [Toleration(key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule")], gpusPerPod: 1),
      free: 2, landsOn: ["gpu-node-1", "gpu-node-2"]),
    Case(
      name: "a toleration of another effect does not", nodes: PlanFixtures.nodes(1, taints: [gpuTaint]), pods: [],
      placement: PodPlacement(tolerations: [Toleration(key: "nvidia.com/gpu", operator: "Exists", effect: "NoExecute")], gpusPerPod: 1),
      free: 0, landsOn: []),
    Case(
      name: "PreferNoSchedule does not keep it off", nodes: PlanFixtures.nodes(1, taints: [Taint(key: "spot", effect: "PreferNoSchedule")]),
      pods: [], placement: PodPlacement(gpusPerPod: 1), free: 1, landsOn: ["gpu-node-1"]),
    Case(
      name: "a cordoned node takes no new pod",
      nodes: [GPUNode(name: "gpu-node-1", unschedulable: true, allocatableGPUs: 1)] + PlanFixtures.nodes(1, prefix: "other"), pods: [],
      placement: PodPlacement(gpusPerPod: 1), free: 1, landsOn: ["other-1"]),
    Case(
      name: "nodeSelector narrows the nodes",
      nodes: PlanFixtures.nodes(2, prefix: "a100", labels: ["gpu": "a100"]) + PlanFixtures.nodes(2, prefix: "h100", labels: ["gpu": "h100"]),
      pods: [], placement: PodPlacement(nodeSelector: ["gpu": "a100"], gpusPerPod: 1), free: 2, landsOn: ["a100-1", "a100-2"]),
    Case(
      name: "required node affinity narrows the nodes",
      nodes: PlanFixtures.nodes(1, prefix: "a100", labels: ["gpu": "a100"]) + PlanFixtures.nodes(1, prefix: "h100", labels: ["gpu": "h100"])
        + PlanFixtures.nodes(1, prefix: "t4", labels: ["gpu": "t4"]),
      pods: [],
      placement: PodPlacement(
        requiredTerms: [["matchExpressions": [["key": "gpu", "operator": "In", "values": ["a100", "h100"]]]]], gpusPerPod: 1),
      free: 2, landsOn: ["a100-1", "h100-1"]),
  ]

  @Test(arguments: cases)
  func countsFreeGPUsOnNodesThePodCanLandOn(_ c: Case) {
    let capacity = GPUCapacity(nodes: c.nodes, pods: c.pods)
    #expect(capacity.freeGPUs(for: c.placement) == c.free)
    #expect(capacity.nodes(for: c.placement).map(\.name) == c.landsOn)
  }

  @Test func aPodsGPUsComeFromOneNode() {
    // Two nodes with one free GPU each house no two-GPU pod.
    let capacity = GPUCapacity(nodes: PlanFixtures.nodes(2, gpus: 2), pods: [
      NodePod(namespace: "a", name: "p", nodeName: "gpu-node-1", gpus: 1), NodePod(namespace: "a", name: "q", nodeName: "gpu-node-2", gpus: 1),
    ])
    #expect(capacity.freeGPUs(for: PodPlacement(gpusPerPod: 2)) == 2)
    #expect(capacity.podSlots(for: PodPlacement(gpusPerPod: 2)) == 0)
    #expect(capacity.podSlots(for: PodPlacement(gpusPerPod: 1)) == 2)
  }

  @Test func reservationsTakeFromTheMostFreeNodeFirst() {
    var capacity = GPUCapacity(nodes: [GPUNode(name: "b", allocatableGPUs: 2), GPUNode(name: "a", allocatableGPUs: 1)], pods: [])
    #expect(capacity.reserve(2, for: PodPlacement(gpusPerPod: 1)) == 2)
    #expect(capacity.free == ["a": 0, "b": 1])
    #expect(capacity.reserve(5, for: PodPlacement(gpusPerPod: 1)) == 1)
  }

  @Test func readsNodesAndPodsAsTheServerWritesThem() {
    let node: Value = [
      "metadata": ["name": "gpu-node-1", "labels": ["gpu": "a100"]],
      "spec": ["unschedulable": true, "taints": [["key": "nvidia.com/gpu", "effect": "NoSchedule"]]],
      "status": ["allocatable": ["nvidia.com/gpu": "4", "cpu": "16"]],
    ]
    #expect(GPUNode(node) == GPUNode(name: "gpu-node-1", labels: ["gpu": "a100"], taints: [Self.gpuTaint], unschedulable: true, allocatableGPUs: 4))
    let pod: Value = [
      "metadata": ["name": "p", "namespace": "llm", "labels": ["app": "vllm"], "deletionTimestamp": "2026-01-01T00:00:00Z"],
      // A limit-only GPU request counts: the server defaults the request to the limit.
      "spec": ["nodeName": "gpu-node-1", "containers": [["name": "c", "resources": ["limits": ["nvidia.com/gpu": 2]]]]],
      "status": ["phase": "Running", "conditions": [["type": "Ready", "status": "True"]]],
    ]
    #expect(
      NodePod(pod) == NodePod(namespace: "llm", name: "p", labels: ["app": "vllm"], nodeName: "gpu-node-1", gpus: 2, terminating: true, ready: true))
    #expect(!NodePod(pod).serving)
    #expect(PodPlacement(pod: pod).gpusPerPod == 2)
  }
}
