import Rollout
import Testing

@Suite struct ProgressDeadlineRuleTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var pull: Duration = .seconds(120)
    var expected: [String]
    var testDescription: String { name }
  }

  static let f = LintFixtures.self
  static let field = "\(f.vllm) spec.progressDeadlineSeconds"
  static let window = "(initialDelaySeconds + periodSeconds × failureThreshold)"

  static let cases: [Case] = [
    Case(name: "900 s covers 120 s + 330 s", yaml: f.deployment(deadline: 900), expected: []),
    Case(name: "the default 600 s covers 450 s", yaml: f.deployment(deadline: nil), expected: []),
    Case(
      name: "300 s does not", yaml: f.deployment(deadline: 300),
      expected: [
        "\(field): progressDeadlineSeconds 300 is shorter than image pull (120 s allowed) + readiness window 330 s \(window) = 450 s"
      ]),
    Case(
      name: "a ten-minute load outgrows the default",
      yaml: f.deployment(deadline: nil, probe: "{httpGet: {path: /health, port: 8000}, initialDelaySeconds: 600}"),
      expected: [
        "\(field): progressDeadlineSeconds 600 (the default) is shorter than image pull (120 s allowed) + readiness window 630 s \(window) = 750 s"
      ]),
    Case(
      name: "probe defaults: period 10 s, 3 failures",
      yaml: f.deployment(deadline: 100, probe: "{httpGet: {path: /health, port: 8000}}"),
      expected: [
        "\(field): progressDeadlineSeconds 100 is shorter than image pull (120 s allowed) + readiness window 30 s \(window) = 150 s"
      ]),
    Case(
      name: "no probe: the pull alone", yaml: f.deployment(deadline: 100, probe: nil),
      expected: ["\(field): progressDeadlineSeconds 100 is shorter than image pull (120 s allowed) + no readiness window = 120 s"]),
    Case(name: "a pre-pulled image needs no allowance", yaml: f.deployment(deadline: 330), pull: .zero, expected: []),
  ]

  @Test(arguments: cases) func flagsDeadlinesShorterThanPullAndLoad(_ c: Case) throws {
    #expect(try LintFixtures.lint(ProgressDeadlineRule(), c.yaml, settings: LintSettings(imagePullAllowance: c.pull)) == c.expected)
  }
}
