import Rollout
import Testing

@Suite struct GPULimitsRuleTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var resources: String
    var expected: [String]
    var testDescription: String { name }
  }

  static let f = LintFixtures.self
  static let resources = "\(f.vllm) \(f.containerPath).resources"

  static let cases: [Case] = [
    Case(name: "a limit alone: the request defaults to it", resources: "{limits: {nvidia.com/gpu: 1}}", expected: []),
    Case(name: "equal", resources: "{requests: {nvidia.com/gpu: 2}, limits: {nvidia.com/gpu: 2}}", expected: []),
    Case(
      name: "a quoted count is the same count", resources: "{requests: {nvidia.com/gpu: \"1\"}, limits: {nvidia.com/gpu: 1}}", expected: []),
    Case(
      name: "request below limit", resources: "{requests: {nvidia.com/gpu: 1}, limits: {nvidia.com/gpu: 2}}",
      expected: ["\(resources).requests[\"nvidia.com/gpu\"]: container vllm: requests nvidia.com/gpu 1 but its limit is 2"]),
    Case(
      name: "a request without a limit", resources: "{requests: {nvidia.com/gpu: 1}, limits: {memory: 32Gi}}",
      expected: ["\(resources).limits[\"nvidia.com/gpu\"]: container vllm: requests nvidia.com/gpu 1 but sets no limit"]),
    Case(
      name: "half a GPU", resources: "{limits: {nvidia.com/gpu: 0.5}}",
      expected: ["\(resources).limits[\"nvidia.com/gpu\"]: container vllm: nvidia.com/gpu 0.5 is not a whole number of GPUs"]),
    Case(name: "CPU limits may differ", resources: "{requests: {cpu: 1}, limits: {cpu: 4}}", expected: []),
  ]

  @Test(arguments: cases) func flagsGPURequestsTheServerRefuses(_ c: Case) throws {
    #expect(try LintFixtures.lint(GPULimitsRule(), LintFixtures.deployment(resources: c.resources)) == c.expected)
  }
}
