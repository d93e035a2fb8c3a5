import Rollout
import Testing

@Suite struct ReadinessProbeRuleTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var expected: [String]
    var testDescription: String { name }
  }

  static let f = LintFixtures.self

  static let cases: [Case] = [
    Case(name: "a GPU container with a probe", yaml: f.deployment(), expected: []),
    Case(
      name: "a GPU container without one", yaml: f.deployment(probe: nil),
      expected: ["\(f.vllm) \(f.containerPath).readinessProbe: GPU container vllm has no readinessProbe"]),
    Case(name: "a CPU container needs none here", yaml: f.deployment(resources: "{limits: {cpu: 1}}", probe: nil), expected: []),
    Case(
      name: "a GPU StatefulSet",
      yaml: """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: embed, namespace: llm}
        spec:
          template:
            spec:
              containers: [{name: tei, image: "tei:1.5", resources: {limits: {nvidia.com/gpu: 1}}}]
        """,
      expected: [
        "StatefulSet.apps/embed in namespace llm spec.template.spec.containers[name=tei].readinessProbe: GPU container tei has no readinessProbe"
      ]),
    Case(
      name: "a GPU Job serves nothing",
      yaml: """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: finetune, namespace: llm}
        spec:
          template:
            spec:
              containers: [{name: train, image: "train:1", resources: {limits: {nvidia.com/gpu: 1}}}]
        """,
      expected: []),
  ]

  @Test(arguments: cases) func flagsGPUContainersWithoutReadiness(_ c: Case) throws {
    #expect(try LintFixtures.lint(ReadinessProbeRule(), c.yaml) == c.expected)
  }
}
