import Manifest
import Rollout
import Testing

@Suite struct ImageTagRuleTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var expected: [String]
    var testDescription: String { name }
  }

  static let f = LintFixtures.self
  static let image = "\(f.vllm) \(f.containerPath).image"

  static let cases: [Case] = [
    Case(name: "a version tag pins it", yaml: f.deployment(image: "vllm/vllm-openai:v0.6.3"), expected: []),
    Case(
      name: "latest", yaml: f.deployment(image: "vllm/vllm-openai:latest"),
      expected: ["\(image): container vllm: image vllm/vllm-openai:latest uses the tag latest"]),
    Case(
      name: "no tag means latest", yaml: f.deployment(image: "vllm/vllm-openai"),
      expected: ["\(image): container vllm: image vllm/vllm-openai has no tag, so it means vllm/vllm-openai:latest"]),
    Case(
      name: "a registry port is not a tag", yaml: f.deployment(image: "registry.local:5000/vllm"),
      expected: ["\(image): container vllm: image registry.local:5000/vllm has no tag, so it means registry.local:5000/vllm:latest"]),
    Case(name: "a registry port and a tag", yaml: f.deployment(image: "registry.local:5000/vllm:v1"), expected: []),
    Case(name: "a digest pins it", yaml: f.deployment(image: "vllm/vllm-openai@sha256:0123abcd"), expected: []),
    Case(name: "a digest pins even latest", yaml: f.deployment(image: "vllm/vllm-openai:latest@sha256:0123abcd"), expected: []),
    Case(
      name: "an init container of a CronJob",
      yaml: """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: warm, namespace: llm}
        spec:
          schedule: "0 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  initContainers: [{name: fetch, image: busybox}]
                  containers: [{name: warm, image: "curl:8.1"}]
        """,
      expected: [
        "CronJob.batch/warm in namespace llm spec.jobTemplate.spec.template.spec.initContainers[name=fetch].image: container fetch: "
          + "image busybox has no tag, so it means busybox:latest"
      ]),
  ]

  @Test(arguments: cases) func flagsUnpinnedImages(_ c: Case) throws {
    #expect(try LintFixtures.lint(ImageTagRule(), c.yaml) == c.expected)
  }
}
