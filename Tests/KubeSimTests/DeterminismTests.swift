import Kube
import KubeSim
import Manifest
import Testing
import Foundation

@Suite struct DeterminismTests {
  func rollout(seed: UInt64) async throws -> (KubeSim, Double) {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 5, load: 240, pull: 60, seed: seed))
    _ = try await sim.apply(SimFixtures.deployment(replicas: 4, readinessDelay: 300), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(1_000))
    let start = await sim.now.secondsDouble
    try await SimFixtures.setImage(sim, "vllm:v2")
    await sim.advance(by: .seconds(3_000))
    return (sim, start)
  }

  /// Four replicas, each needing ~300 s to become ready, roll out in four sequential
  /// windows of virtual time. (How little real time that costs is a benchmark's business,
  /// not a test's: a wall-clock bound fails on a busy machine.)
  @Test func fourReplicaRolloutWith300sReadinessTakesFourWindows() async throws {
    let (sim, start) = try await rollout(seed: 1)
    let deployment = try await sim.get(SimFixtures.deploymentID)
    let progressing = deployment[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "Progressing" }
    #expect(progressing?["reason"] == "NewReplicaSetAvailable")
    #expect(deployment[path: ["status", "updatedReplicas"]] == 4)
    let readyTimes = await sim.trace.entries(.ready).filter { $0.seconds > start }.map(\.seconds)
    // Four sequential batches (maxSurge 1), each pull (cached) + 300 s readiness.
    #expect(readyTimes.count == 4)
    #expect((readyTimes.max() ?? 0) - start >= 1_200)
  }

  @Test func sameScenarioAndSeedGiveTheSameTrace() async throws {
    let (a, _) = try await rollout(seed: 9)
    let (b, _) = try await rollout(seed: 9)
    let traceA = await a.trace.entries.map(\.description)
    let traceB = await b.trace.entries.map(\.description)
    #expect(traceA == traceB)
    #expect(traceA.count > 20)
  }

  @Test func crashLoopBacksOff10_20_40Seconds() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 1, pull: 0))
    _ = try await sim.apply(SimFixtures.deployment(replicas: 1, image: "vllm:v1-crash"), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(200))
    // Crash 5 s after each start; restarts after 10, 20, 40, 80 s.
    let crashes = await sim.trace.entries(.crashed).map(\.seconds)
    let gaps = zip(crashes.dropFirst(), crashes).map { $0 - $1 }
    #expect(Array(gaps.prefix(3)) == [15, 25, 45])
    let pod = try await sim.list(SimFixtures.podGVK, namespace: "llm").items.first
    let waiting = pod?[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["state", "waiting", "reason"]]
    let running = pod?[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["state", "running"]]
    #expect(waiting == "CrashLoopBackOff" || running != nil)
  }

  /// A client waiting on the sim's clock sleeps through 300 s of virtual time at once.
  @Test func clientsSleepOnVirtualTime() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(load: 240))
    _ = try await sim.apply(SimFixtures.deployment(replicas: 1, readinessDelay: 300), options: ApplyOptions(fieldManager: "release"))
    let readyAfter = try await sim.run { clock in
      var waited = 0
      while true {
        let deployment = try await sim.get(SimFixtures.deploymentID)
        if deployment[path: ["status", "readyReplicas"]] == 1 { return waited }
        try await clock.sleep(for: .seconds(5))
        waited += 5
      }
    }
    #expect(readyAfter >= 300 && readyAfter <= 320)
    #expect(await sim.pendingSleepers == 0)
  }
}
