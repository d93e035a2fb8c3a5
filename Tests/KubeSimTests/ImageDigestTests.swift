import Kube
import KubeSim
import Manifest
import Testing

/// The kubelet reports `imageID` as containerd does: the normalized repository and the digest
/// the reference resolved to, deterministic per tag, moved only by the scenario.
@Suite struct ImageDigestTests {
  static let declared = "sha256:" + String(repeating: "ab", count: 32)
  static let onNodeTwo = "sha256:" + String(repeating: "cd", count: 32)

  func imageIDs(_ scenario: Scenario, image: String, replicas: Int64 = 2) async throws -> [String: String] {
    let sim = KubeSim(scenario: scenario)
    _ = try await sim.apply(SimFixtures.deployment(replicas: replicas, image: image), options: ApplyOptions(fieldManager: "test"))
    await sim.advance(by: .seconds(120))
    var ids: [String: String] = [:]
    for pod in try await sim.list(SimFixtures.podGVK, namespace: "llm").items {
      let node = pod[path: ["spec", "nodeName"]]?.stringValue ?? "?"
      ids[node] = pod[path: ["status", "containerStatuses"]]?.arrayValue?.first?["imageID"]?.stringValue
    }
    return ids
  }

  @Test func aTagResolvesToTheSameRealisticDigestOnEveryNodeAndRun() async throws {
    let first = try await imageIDs(SimFixtures.gpuScenario(), image: "vllm/vllm-openai:v0.6.3")
    let again = try await imageIDs(SimFixtures.gpuScenario(seed: 99), image: "vllm/vllm-openai:v0.6.3")
    let ids = Set(first.values)
    #expect(first.count == 2 && ids.count == 1)
    #expect(Set(again.values) == ids)
    let id = try #require(ids.first)
    #expect(id.hasPrefix("docker.io/vllm/vllm-openai@sha256:") && id.count == "docker.io/vllm/vllm-openai@sha256:".count + 64, "\(id)")
    let other = try await imageIDs(SimFixtures.gpuScenario(), image: "vllm/vllm-openai:v0.6.4")
    #expect(Set(other.values).count == 1 && !ids.contains(other.values.first ?? ""))
  }

  @Test func aReferenceWithADigestReportsThatDigest() async throws {
    let ids = try await imageIDs(SimFixtures.gpuScenario(), image: "busybox:1.36@\(Self.declared)", replicas: 1)
    #expect(Array(ids.values) == ["docker.io/library/busybox@\(Self.declared)"])
  }

  @Test func aScenarioMovesATagForTheClusterOrForSomeNodes() async throws {
    let scenario = try Scenario(yaml: """
      nodes: [{name: gpu-1, allocatable: {cpu: 16, memory: 64Gi, pods: 110, nvidia.com/gpu: 1}}, {name: gpu-2, allocatable: {cpu: 16, memory: 64Gi, pods: 110, nvidia.com/gpu: 1}}]
      objects: [{apiVersion: v1, kind: Namespace, metadata: {name: llm}}]
      imageDigests:
        - {image: "vllm/vllm-openai:v0.6.3", digest: "\(Self.declared)"}
        - {image: "docker.io/vllm/vllm-openai:v0.6.3", digest: "\(Self.onNodeTwo)", nodes: [gpu-2]}
      """, file: "s.yaml")
    let ids = try await imageIDs(scenario, image: "vllm/vllm-openai:v0.6.3")
    #expect(ids == ["gpu-1": "docker.io/vllm/vllm-openai@\(Self.declared)", "gpu-2": "docker.io/vllm/vllm-openai@\(Self.onNodeTwo)"])
  }

  @Test func noImageIDBeforeThePullCompletes() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(pull: 60))
    _ = try await sim.apply(SimFixtures.deployment(replicas: 1), options: ApplyOptions(fieldManager: "test"))
    await sim.advance(by: .seconds(10))
    let pod = try #require(try await sim.list(SimFixtures.podGVK, namespace: "llm").items.first)
    #expect(pod[path: ["status", "containerStatuses"]]?.arrayValue?.first?["imageID"] == "")
  }

  @Test(arguments: [
    ("imageDigests: [{image: x, digest: sha256:12}]\n", "s.yaml: imageDigests[0].digest: expected sha256: and 64 lowercase hex digits"),
    ("imageDigests: [{image: \"x@\(declared)\", digest: \(declared)}]\n", "s.yaml: imageDigests[0].image: a reference with a digest resolves to it: name a tag"),
    ("imageDigests: [{image: x, digest: \(declared)}, {image: docker.io/library/x:latest, digest: \(declared)}]\n",
     "s.yaml: imageDigests[1].image: docker.io/library/x:latest is declared twice for the same nodes"),
    ("imageDigests: [{image: x, digest: \(declared), node: a}]\n", "s.yaml: imageDigests[0].node: unknown field"),
  ])
  func badDeclarationsAreNamed(yaml: String, message: String) {
    do {
      _ = try Scenario(yaml: "nodes: [{name: a}]\n" + yaml, file: "s.yaml")
      Issue.record("expected an error")
    } catch {
      #expect(error.description == message)
    }
  }
}
