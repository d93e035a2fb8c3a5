import Kube
import KubeSim
import Manifest
import Testing

@Suite struct ValidationTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var mutate: @Sendable (inout Value) -> Void
    var message: String
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "selector does not match template", mutate: { $0[path: ["spec", "template", "metadata", "labels"]] = ["app": "other"] },
      message: "Deployment.apps \"vllm\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`"),
    Case(name: "no containers", mutate: { $0[path: ["spec", "template", "spec", "containers"]] = [] },
      message: "Deployment.apps \"vllm\" is invalid: spec.template.spec.containers: Required value"),
    Case(name: "container without image", mutate: { $0[path: ["spec", "template", "spec", "containers"]] = [["name": "vllm"]] },
      message: "Deployment.apps \"vllm\" is invalid: spec.template.spec.containers[0].image: Required value"),
    Case(name: "negative replicas", mutate: { $0[path: ["spec", "replicas"]] = -1 },
      message: "Deployment.apps \"vllm\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
    Case(name: "no selector", mutate: { $0[path: ["spec", "selector"]] = nil },
      message: "Deployment.apps \"vllm\" is invalid: spec.selector: Required value"),
    Case(name: "request above limit", mutate: {
        $0[path: ["spec", "template", "spec", "containers"]] = [["name": "vllm", "image": "x", "resources": ["requests": ["memory": "32Gi"], "limits": ["memory": "16Gi"]]]]
      },
      message: "Deployment.apps \"vllm\" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: \"32Gi\": must be less than or equal to memory limit of 16Gi"),
  ]

  @Test(arguments: cases)
  func rejectsMalformedDeploymentsWithCauses(_ testCase: Case) async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    var deployment = SimFixtures.deployment(replicas: 1)
    testCase.mutate(&deployment)
    do {
      _ = try await sim.create(deployment, options: WriteOptions())
      Issue.record("expected Invalid")
    } catch {
      #expect(error.code == 422)
      #expect(error.reason == .invalid)
      #expect(error.description == testCase.message)
      if case .status(let status) = error { #expect(!(status.details?.causes.isEmpty ?? true)) }
    }
  }

  @Test func selectorIsImmutable() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    _ = try await sim.create(SimFixtures.deployment(replicas: 1), options: WriteOptions())
    await #expect(throws: KubeError.self) {
      _ = try await sim.patch(
        SimFixtures.deploymentID, type: .merge,
        body: ["spec": ["selector": ["matchLabels": ["app": "x"]], "template": ["metadata": ["labels": ["app": "x"]]]]],
        subresource: nil, options: WriteOptions())
    }
  }

  @Test func namespacesMustExist() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    var deployment = SimFixtures.deployment(replicas: 1)
    deployment.namespace = "missing"
    do {
      _ = try await sim.create(deployment, options: WriteOptions())
      Issue.record("expected NotFound")
    } catch {
      #expect(error.description == "namespaces \"missing\" not found")
    }
  }
}
