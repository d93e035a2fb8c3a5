import Kube
import KubeSim
import Manifest
import Testing

/// autoscaling/v1 HorizontalPodAutoscalers stored as v2 and read back, as upstream converts
/// them: the CPU target maps to a Resource metric, everything v1 cannot say rides in annotations.
@Suite("HPA version conversion")
struct HPAConversionTests {
  static let v1: Value = [
    "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": ["name": "vllm", "namespace": "llm"],
    "spec": [
      "scaleTargetRef": ["kind": "Deployment", "name": "vllm", "apiVersion": "apps/v1"], "minReplicas": 1, "maxReplicas": 3,
      "targetCPUUtilizationPercentage": 80,
    ],
  ]

  static let v2: Value = [
    "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": ["name": "vllm", "namespace": "llm"],
    "spec": [
      "scaleTargetRef": ["kind": "Deployment", "name": "vllm", "apiVersion": "apps/v1"], "minReplicas": 1, "maxReplicas": 4,
      "metrics": [
        [
          "type": "Pods",
          "pods": ["metric": ["name": "gpu_cache_usage_perc"], "target": ["type": "AverageValue", "averageValue": "800m"]],
        ],
        ["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 70]]],
      ],
      "behavior": ["scaleDown": ["stabilizationWindowSeconds": 600]],
    ],
    "status": [
      "currentReplicas": 2, "desiredReplicas": 2,
      "currentMetrics": [
        ["type": "Pods", "pods": ["metric": ["name": "gpu_cache_usage_perc"], "current": ["averageValue": "500m"]]],
        ["type": "Resource", "resource": ["name": "cpu", "current": ["averageValue": "350m", "averageUtilization": 35]]],
      ],
      "conditions": [["type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale"]],
    ],
  ]

  @Test func aV1TargetIsACPUUtilizationMetric() {
    let stored = HPAConversion.v1ToV2(Self.v1)
    #expect(stored.apiVersion == "autoscaling/v2")
    #expect(
      stored["spec"] == [
        "scaleTargetRef": ["kind": "Deployment", "name": "vllm", "apiVersion": "apps/v1"], "minReplicas": 1, "maxReplicas": 3,
        "metrics": [["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 80]]]],
      ])
    #expect(stored["status"] == nil)
  }

  @Test func aV1WithoutTargetGetsTheImplicitEightyPercent() {
    var v1 = Self.v1
    v1[path: ["spec", "targetCPUUtilizationPercentage"]] = nil
    #expect(
      HPAConversion.v1ToV2(v1)[path: ["spec", "metrics"]] == [
        ["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 80]]]
      ])
  }

  @Test func v2ReadsAsV1WithTheRestInAnnotations() throws {
    let v1 = HPAConversion.v2ToV1(Self.v2)
    #expect(v1.apiVersion == "autoscaling/v1")
    #expect(
      v1["spec"] == [
        "scaleTargetRef": ["kind": "Deployment", "name": "vllm", "apiVersion": "apps/v1"], "minReplicas": 1, "maxReplicas": 4,
        "targetCPUUtilizationPercentage": 70,
      ])
    #expect(v1["status"] == ["currentReplicas": 2, "desiredReplicas": 2, "currentCPUUtilizationPercentage": 35])
    let annotations = v1.annotations
    #expect(
      annotations[HPAConversion.metricsAnnotation]
        == #"[{"type":"Pods","pods":{"metricName":"gpu_cache_usage_perc","targetAverageValue":"800m"}}]"#)
    #expect(annotations[HPAConversion.behaviorAnnotation] == #"{"scaleDown":{"stabilizationWindowSeconds":600}}"#)
    #expect(annotations[HPAConversion.conditionsAnnotation] == #"[{"type":"AbleToScale","status":"True","reason":"ReadyForNewScale"}]"#)
    #expect(
      annotations[HPAConversion.currentMetricsAnnotation]
        == #"[{"type":"Pods","pods":{"metricName":"gpu_cache_usage_perc","currentAverageValue":"500m"}},{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":35,"currentAverageValue":"350m"}}]"#
    )
  }

  @Test func aV1ClientsReadModifyWriteLosesNothing() {
    var v1 = HPAConversion.v2ToV1(Self.v2)
    v1[path: ["spec", "maxReplicas"]] = 6
    let back = HPAConversion.v1ToV2(v1)
    var expected = Self.v2
    expected[path: ["spec", "maxReplicas"]] = 6
    // v1 puts the CPU metric last: upstream appends it after the annotation's metrics.
    #expect(back["spec"] == expected["spec"])
    #expect(back["status"] == expected["status"])
    #expect(back[path: ["metadata", "annotations"]] == nil)
  }

  @Test func theSimulatedClusterServesBothVersions() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    let created = try await sim.create(Self.v1, options: WriteOptions())
    #expect(created.apiVersion == "autoscaling/v1")
    #expect(created[path: ["spec", "targetCPUUtilizationPercentage"]] == 80)
    let v2ID = ResourceID(
      gvk: GroupVersionKind(group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler"), namespace: "llm", name: "vllm")
    var v1ID = v2ID
    v1ID.gvk.version = "v1"
    #expect(
      try await sim.get(v2ID)[path: ["spec", "metrics"]]?.arrayValue?.first?[path: ["resource", "target", "averageUtilization"]] == 80)
    let patched = try await sim.patch(
      v1ID, type: .merge, body: ["spec": ["targetCPUUtilizationPercentage": 60]], subresource: nil, options: WriteOptions(fieldManager: "t")
    )
    #expect(patched[path: ["spec", "targetCPUUtilizationPercentage"]] == 60)
    #expect(
      try await sim.get(v2ID)[path: ["spec", "metrics"]]?.arrayValue?.first?[path: ["resource", "target", "averageUtilization"]] == 60)
    let listed = try await sim.list(v1ID.gvk, namespace: "llm").items
    #expect(listed.map(\.apiVersion) == ["autoscaling/v1"])
  }
}
