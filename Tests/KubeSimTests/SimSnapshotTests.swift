import Foundation
import Kube
@testable import KubeSim
import Manifest
import Testing

@Suite struct SimSnapshotTests {
  /// Saving mid-rollout and continuing from the saved state gives exactly the cluster that
  /// running on without a break gives: separate `release` invocations see one cluster.
  @Test func restoredClusterContinuesExactlyAsTheOriginal() async throws {
    let scenario = SimFixtures.gpuScenario(nodes: 4, load: 60, pull: 30)
    let original = KubeSim(scenario: scenario)
    _ = try await original.apply(SimFixtures.deployment(replicas: 3, readinessDelay: 60), options: ApplyOptions(fieldManager: "release"))
    await original.advance(by: .seconds(200))
    try await SimFixtures.setImage(original, "vllm:v2")
    await original.advance(by: .seconds(45))

    let text = JSON.string(SimSnapshot.encode(await original.cluster))
    let restored = KubeSim(restoring: try SimSnapshot.decode(try JSON.parse(text), scenario: scenario))
    #expect(JSON.string(SimSnapshot.encode(await restored.cluster)) == text, "load then save is lossless")

    await original.advance(by: .seconds(600))
    await restored.advance(by: .seconds(600))
    let a = try await original.list(SimFixtures.podGVK, namespace: "llm").items.map(\.canonical)
    let b = try await restored.list(SimFixtures.podGVK, namespace: "llm").items.map(\.canonical)
    #expect(a == b)
    #expect(try await original.get(SimFixtures.deploymentID).canonical == restored.get(SimFixtures.deploymentID).canonical)
    #expect(try await SimFixtures.snapshot(restored).sizes == [0, 3])
  }

  /// The state holds Secret data: owner-only, also when an older file was world-readable.
  @Test func stateFilesAreWrittenOwnerOnly() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-state-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("sim/state.json").path
    let sim = KubeSim(scenario: SimFixtures.gpuScenario())
    _ = try await sim.create(
      ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "token", "namespace": "llm"], "stringData": ["token": "s3cret"]],
      options: WriteOptions())
    try await SimSnapshot.save(sim, to: file)
    #expect(try mode(file) == 0o600)

    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
    FileManager.default.createFile(atPath: file + ".tmp", contents: Data("stale".utf8), attributes: [.posixPermissions: 0o666])
    try await SimSnapshot.save(sim, to: file)
    #expect(try mode(file) == 0o600)
    #expect(!FileManager.default.fileExists(atPath: file + ".tmp"))
    let restored = try SimSnapshot.load(file, scenario: SimFixtures.gpuScenario())
    #expect(await restored.objectCount == sim.objectCount)
  }

  func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0) & 0o777
  }

  @Test func rejectsAnUnknownStateFormat() {
    #expect(throws: SimStateError.self) { try SimSnapshot.decode(["formatVersion": 99], scenario: SimFixtures.gpuScenario()) }
  }
}
