import Rollout
import Testing

@Suite struct HPAMinReplicasRuleTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var expected: [String]
    var testDescription: String { name }
  }

  static let f = LintFixtures.self
  static let minReplicas = "HorizontalPodAutoscaler.autoscaling/vllm in namespace llm spec.minReplicas"

  static let cases: [Case] = [
    Case(name: "the example: 1 and minAvailable 1", yaml: f.deployment() + f.hpa(min: 1) + f.pdb("minAvailable: 1"), expected: []),
    Case(
      name: "1 below minAvailable 2", yaml: f.deployment() + f.hpa(min: 1) + f.pdb("minAvailable: 2"),
      expected: ["\(minReplicas): minReplicas 1 is below PodDisruptionBudget vllm's minAvailable 2 for \(f.vllm)"]),
    Case(
      name: "minReplicas unset is 1", yaml: f.deployment() + f.hpa(min: nil) + f.pdb("minAvailable: 2"),
      expected: ["\(minReplicas): minReplicas 1 (the default) is below PodDisruptionBudget vllm's minAvailable 2 for \(f.vllm)"]),
    Case(name: "a percentage follows the replicas", yaml: f.deployment() + f.hpa(min: 1) + f.pdb("minAvailable: \"100%\""), expected: []),
    Case(name: "maxUnavailable is not a floor", yaml: f.deployment() + f.hpa(min: 1) + f.pdb("maxUnavailable: 0"), expected: []),
    Case(name: "a PDB over other pods", yaml: f.deployment() + f.hpa(min: 1) + f.pdb("minAvailable: 2", app: "embed"), expected: []),
    Case(
      name: "a target not rendered here", yaml: f.deployment() + f.hpa(min: 1, target: "other") + f.pdb("minAvailable: 2"), expected: []),
  ]

  @Test(arguments: cases) func flagsAnAutoscalingFloorBelowTheBudget(_ c: Case) throws {
    #expect(try LintFixtures.lint(HPAMinReplicasRule(), c.yaml) == c.expected)
  }
}
