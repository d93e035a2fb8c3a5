import Rollout
import Testing

@Suite struct IngressTimeoutRuleTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var expected: [String]
    var testDescription: String { name }
  }

  static let f = LintFixtures.self
  static let annotations = "Ingress.networking.k8s.io/vllm in namespace llm metadata.annotations"
  static let read = "\(annotations)[\"nginx.ingress.kubernetes.io/proxy-read-timeout\"]"
  static let send = "\(annotations)[\"nginx.ingress.kubernetes.io/proxy-send-timeout\"]"
  static let byDefault = "of \(f.vllm) (the default; the Deployment does not state it)"

  static let service = """
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: vllm, namespace: llm}
    spec: {selector: {app: vllm}, ports: [{port: 80, targetPort: 8000}]}

    """

  static func ingress(_ annotations: String = "{}", className: String = "nginx", service: String = "vllm") -> String {
    """
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: vllm, namespace: llm, annotations: \(annotations)}
    spec:
      ingressClassName: \(className)
      rules: [{host: llm.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: \(service), port: {number: 80}}}}]}}]

    """
  }

  static let both300 = "{nginx.ingress.kubernetes.io/proxy-read-timeout: \"300\", nginx.ingress.kubernetes.io/proxy-send-timeout: \"300\"}"

  static let cases: [Case] = [
    Case(name: "the example: 300 s both ways", yaml: f.deployment() + service + ingress(both300), expected: []),
    Case(
      name: "nginx's 60 s defaults", yaml: f.deployment() + service + ingress(),
      expected: [
        "\(read): proxy-read-timeout 60 s (ingress-nginx's default) is shorter than the generation time 300 s \(byDefault)",
        "\(send): proxy-send-timeout 60 s (ingress-nginx's default) is shorter than the generation time 300 s \(byDefault)",
      ]),
    Case(
      name: "read too short",
      yaml: f.deployment() + service
        + ingress("{nginx.ingress.kubernetes.io/proxy-read-timeout: \"120\", nginx.ingress.kubernetes.io/proxy-send-timeout: \"300\"}"),
      expected: ["\(read): proxy-read-timeout 120 s is shorter than the generation time 300 s \(byDefault)"]),
    Case(
      name: "the Deployment states 600 s",
      yaml: f.deployment(annotations: "{release.dev/generation-seconds: \"600\"}") + service + ingress(both300),
      expected: [
        "\(read): proxy-read-timeout 300 s is shorter than the generation time 600 s of \(f.vllm) (its release.dev/generation-seconds)",
        "\(send): proxy-send-timeout 300 s is shorter than the generation time 600 s of \(f.vllm) (its release.dev/generation-seconds)",
      ]),
    Case(
      name: "a timeout that is not seconds",
      yaml: f.deployment() + service
        + ingress("{nginx.ingress.kubernetes.io/proxy-read-timeout: 5m, nginx.ingress.kubernetes.io/proxy-send-timeout: \"300\"}"),
      expected: [
        "\(read): proxy-read-timeout \"5m\" (not a number of seconds: ingress-nginx uses its default 60 s) is shorter than the generation "
          + "time 300 s \(byDefault)"
      ]),
    Case(
      name: "a generation time that is not seconds",
      yaml: f.deployment(annotations: "{release.dev/generation-seconds: ten minutes}") + service + ingress(both300),
      expected: [
        "\(f.vllm) metadata.annotations[\"release.dev/generation-seconds\"]: release.dev/generation-seconds \"ten minutes\" is not a "
          + "whole number of seconds; the default generation time is used instead"
      ]),
    Case(name: "another controller", yaml: f.deployment() + service + ingress(className: "traefik"), expected: []),
    Case(
      name: "a CPU backend", yaml: f.deployment(resources: "{limits: {cpu: 1}}") + service + ingress(), expected: []),
    Case(name: "a Service not rendered here", yaml: f.deployment() + service + ingress(service: "elsewhere"), expected: []),
  ]

  @Test(arguments: cases) func flagsProxiesThatGiveUpBeforeAGenerationEnds(_ c: Case) throws {
    #expect(try LintFixtures.lint(IngressTimeoutRule(), c.yaml) == c.expected)
  }
}
