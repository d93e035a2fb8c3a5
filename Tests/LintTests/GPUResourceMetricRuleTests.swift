import Rollout
import Testing

@Suite struct GPUResourceMetricRuleTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var metrics: String
    var expected: [String]
    var testDescription: String { name }
  }

  static let hpa = "HorizontalPodAutoscaler.autoscaling/vllm in namespace llm"

  static let cases: [Case] = [
    Case(
      name: "a custom metric through an adapter",
      metrics: "[{type: Pods, pods: {metric: {name: gpu_cache_usage_perc}, target: {type: AverageValue, averageValue: \"0.7\"}}}]",
      expected: []),
    Case(
      name: "a Resource metric on nvidia.com/gpu",
      metrics: "[{type: Resource, resource: {name: nvidia.com/gpu, target: {type: Utilization, averageUtilization: 80}}}]",
      expected: ["\(hpa) spec.metrics[0].resource.name: metric 0 is a Resource metric on nvidia.com/gpu"]),
    Case(
      name: "a Resource metric on cpu",
      metrics: "[{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]", expected: []),
    Case(
      name: "a ContainerResource metric on nvidia.com/gpu",
      metrics: "[{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}, "
        + "{type: ContainerResource, containerResource: {name: nvidia.com/gpu, container: vllm, target: {type: Utilization, averageUtilization: 80}}}]",
      expected: ["\(hpa) spec.metrics[1].containerResource.name: metric 1 is a ContainerResource metric on nvidia.com/gpu"]),
  ]

  @Test(arguments: cases) func flagsGPUAsAResourceMetric(_ c: Case) throws {
    #expect(try LintFixtures.lint(GPUResourceMetricRule(), LintFixtures.deployment() + LintFixtures.hpa(metrics: c.metrics)) == c.expected)
  }
}
