import KubeSim
import Manifest
import Testing

@Suite struct ScenarioTests {
  @Test func defaultScenarioHasThreeSingleGPUNodesAndFailureImages() {
    let scenario = DefaultScenario.scenario()
    #expect(scenario.nodes.filter { $0.allocatable["nvidia.com/gpu"] == 1 }.count == 3)
    #expect(scenario.behaviour(of: "vllm/vllm-openai:v0.6.3-crash").crashAfterSeconds == 30)
    #expect(scenario.behaviour(of: "vllm/vllm-openai:v0.6.3-oom").oomAfterSeconds == 60)
    #expect(scenario.behaviour(of: "vllm/vllm-openai:v0.6.3-never-ready").neverReady)
    #expect(scenario.behaviour(of: "vllm/vllm-openai:v0.6.3").modelLoadSeconds == 240)
  }

  @Test(arguments: [
    ("nodes: []\n", "s.yaml: nodes: a scenario needs at least one node (nodes or nodePools)"),
    ("nodes: [{name: a, allocatable: {cpu: lots}}]\n", "s.yaml: nodes[0].allocatable.cpu: expected a quantity such as 8, 500m or 64Gi"),
    ("nodes: [{name: a, colour: red}]\n", "s.yaml: nodes[0].colour: unknown field"),
    ("nodes: [{name: a}]\nfaults: [{verb: fly, rate: 0.1}]\n", "s.yaml: faults[0].verb: expected one of get, list, watch, create, update, patch, apply, delete, evict, *"),
    ("nodes: [{name: a}]\nimages: [{image: x, tagSuffix: y}]\n", "s.yaml: images[0]: set exactly one of image or tagSuffix"),
    ("nodes: [{name: a}]\nseeds: 1\n", "s.yaml: seeds: unknown field"),
    ("nodes: [{name: a}]\nfaults: [{verb: get, rate: 1, disconnectAfterEvents: 2}]\n", "s.yaml: faults[0].disconnectAfterEvents: only a watch can be disconnected"),
  ])
  func reportsBadScenarioFieldsByName(yaml: String, message: String) {
    do {
      _ = try Scenario(yaml: yaml, file: "s.yaml")
      Issue.record("expected an error")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func faultsAreDeterministicForASeed() async throws {
    func failures(seed: UInt64) async -> [Int] {
      var scenario = SimFixtures.gpuScenario(seed: seed)
      scenario.faults = [Scenario.Fault(verb: "get", rate: 0.3, code: 503, retryAfterSeconds: nil)]
      let sim = KubeSim(scenario: scenario)
      var failed: [Int] = []
      for i in 0..<200 {
        do {
          _ = try await sim.get(ResourceID(gvk: GroupVersionKind(group: "", version: "v1", kind: "Namespace"), namespace: nil, name: "llm"), subresource: nil)
        } catch {
          if error.code == 503 { failed.append(i) }
        }
      }
      return failed
    }
    let a = await failures(seed: 3)
    let b = await failures(seed: 3)
    #expect(a == b)
    #expect(a.count > 30 && a.count < 90)
  }
}
