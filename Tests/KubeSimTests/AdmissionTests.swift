import Kube
@testable import KubeSim
import Manifest
import Testing

/// ExtendedResourceToleration as GPU clusters run it: the seed article's Deployment, which
/// requests `nvidia.com/gpu` and says nothing of taints, runs on the default cluster's tainted
/// GPU nodes; without the plugin it stays Pending with upstream's words for why.
@Suite struct AdmissionTests {
  /// The article's Deployment as written: two replicas of one GPU, a five-minute readiness.
  static let article: Value = [
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "vllm", "namespace": "default"],
    "spec": [
      "replicas": 2, "selector": ["matchLabels": ["app": "vllm"]],
      "template": [
        "metadata": ["labels": ["app": "vllm"]],
        "spec": [
          "containers": [[
            "name": "vllm", "image": "vllm/vllm-openai:v0.6.3",
            "env": [["name": "MODEL_NAME", "value": "Qwen/Qwen2.5-7B-Instruct"], ["name": "MAX_MODEL_LEN", "value": "8192"]],
            "resources": ["requests": ["memory": "16Gi"], "limits": ["nvidia.com/gpu": 1, "memory": "32Gi"]],
            "readinessProbe": ["httpGet": ["path": "/health", "port": 8000], "initialDelaySeconds": 300],
          ]]
        ],
      ],
    ],
  ]

  static let pods = GroupVersionKind(group: "", version: "v1", kind: "Pod")
  static let deployment = ResourceID(gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"), namespace: "default", name: "vllm")

  @Test func articleManifestRollsOutOnTheDefaultCluster() async throws {
    let sim = KubeSim()
    _ = try await sim.apply(Self.article, options: ApplyOptions(fieldManager: "kubectl"))
    await sim.advance(by: .seconds(600))
    let status = try await sim.get(Self.deployment)["status"]
    #expect(status?["readyReplicas"] == 2)
    let pods = try await sim.list(Self.pods, namespace: "default").items
    #expect(pods.count == 2)
    for pod in pods {
      #expect(pod[path: ["spec", "nodeName"]]?.stringValue?.hasPrefix("gpu-node-") == true)
      #expect(pod[path: ["spec", "tolerations"]] == [["key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"]])
      // SetDefaults_Pod: the GPU limit became a request, which is what the plugin reads.
      #expect(pod[path: ["spec", "containers"]]?.arrayValue?.first?[path: ["resources", "requests", "nvidia.com/gpu"]] == "1")
    }
    let template = try await sim.get(Self.deployment)[path: ["spec", "template", "spec"]]
    #expect(template?["tolerations"] == nil, "admission mutates pods, not the Deployment's template")
    #expect(await sim.trace.entries(.writeFailed).isEmpty)
  }

  @Test func withoutThePluginGPUPodsStayPendingWithUpstreamsReason() async throws {
    var scenario = DefaultScenario.scenario()
    scenario.admission.extendedResourceToleration = false
    let sim = KubeSim(scenario: scenario)
    _ = try await sim.apply(Self.article, options: ApplyOptions(fieldManager: "kubectl"))
    await sim.advance(by: .seconds(60))
    let pods = try await sim.list(Self.pods, namespace: "default").items
    #expect(pods.count == 2)
    for pod in pods {
      #expect(pod[path: ["spec", "nodeName"]] == nil)
      #expect(pod[path: ["spec", "tolerations"]] == nil)
      #expect(
        PodStatus.condition(pod, "PodScheduled")?["message"]?.stringValue
          == "0/4 nodes are available: 1 Insufficient nvidia.com/gpu, 3 node(s) had untolerated taint {nvidia.com/gpu: }."
          + " preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling..")
    }
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var containers: Value
    var tolerations: Value?
    var expected: Value?
    var testDescription: String { name }
  }

  static let gpu: Value = ["key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"]

  static let cases: [Case] = [
    Case(name: "a GPU request adds the toleration", containers: [["name": "a", "image": "x:1", "resources": ["requests": ["nvidia.com/gpu": 1]]]],
      expected: [gpu]),
    Case(name: "native resources add nothing",
      containers: [["name": "a", "image": "x:1", "resources": ["limits": ["cpu": 1, "memory": "1Gi", "hugepages-2Mi": "2Mi", "ephemeral-storage": "1Gi"]]]],
      expected: nil),
    Case(name: "an identical toleration is not repeated", containers: [["name": "a", "image": "x:1", "resources": ["limits": ["nvidia.com/gpu": 1]]]],
      tolerations: [gpu], expected: [gpu]),
    Case(name: "a toleration without an effect is not identical, so one is added",
      containers: [["name": "a", "image": "x:1", "resources": ["limits": ["nvidia.com/gpu": 1]]]],
      tolerations: [["key": "nvidia.com/gpu", "operator": "Exists"]],
      expected: [["key": "nvidia.com/gpu", "operator": "Exists"], gpu]),
    Case(name: "every extended resource of every container, sorted, init containers too",
      containers: [
        ["name": "a", "image": "x:1", "resources": ["limits": ["nvidia.com/gpu": 1, "example.com/fpga": 1]]],
        ["name": "b", "image": "x:1", "resources": ["requests": ["amd.com/gpu": 1]]],
      ],
      expected: [
        ["key": "amd.com/gpu", "operator": "Exists", "effect": "NoSchedule"],
        ["key": "example.com/fpga", "operator": "Exists", "effect": "NoSchedule"], gpu,
      ]),
  ]

  @Test(arguments: cases) func podsRequestingExtendedResourcesTolerateTheirTaint(_ testCase: Case) async throws {
    var api = APIServer()
    api.admission.extendedResourceToleration = true
    var pod: Value = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p", "namespace": "default"], "spec": ["containers": testCase.containers]]
    if let tolerations = testCase.tolerations { pod[path: ["spec", "tolerations"]] = tolerations }
    let created = try api.create(pod, manager: "test", now: .zero)
    #expect(created[path: ["spec", "tolerations"]] == testCase.expected)
  }

  @Test(arguments: [
    ("nvidia.com/gpu", true), ("example.com/dev", true), ("cpu", false), ("memory", false), ("hugepages-1Gi", false),
    ("kubernetes.io/something", false), ("requests.nvidia.com/gpu", false), ("nvidia.com/", false),
  ])
  func extendedResourceNamesAreThoseOutsideKubernetesIO(name: String, extended: Bool) {
    #expect(ExtendedResourceToleration.isExtendedResourceName(name) == extended)
  }

  @Test func scenarioFilesSwitchThePlugin() throws {
    let on = try Scenario(yaml: "nodes: [{name: a}]\nadmission: {extendedResourceToleration: true}\n", file: "s.yaml")
    #expect(on.admission.extendedResourceToleration)
    let off = try Scenario(yaml: "nodes: [{name: a}]\n", file: "s.yaml")
    #expect(!off.admission.extendedResourceToleration, "off unless asked for, as kube-apiserver ships it")
    #expect(DefaultScenario.scenario().admission.extendedResourceToleration)
    #expect(throws: FieldError.self) { try Scenario(yaml: "nodes: [{name: a}]\nadmission: {podSecurity: true}\n", file: "s.yaml") }
  }
}
