import Kube
import KubeSim
import Manifest
import Testing

/// Upstream rolling-update sequences, step by step on virtual time.
@Suite struct RollingUpdateTests {
  struct Step: Sendable, CustomStringConvertible {
    var afterSeconds: Int64
    var sizes: [Int64]
    var ready: Int
    var description: String { "t+\(afterSeconds)s sizes=\(sizes) ready=\(ready)" }
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var replicas: Int64
    var maxSurge: Value
    var maxUnavailable: Value
    var strategy: String
    var nodes: Int
    var steps: [Step]
    var testDescription: String { name }
  }

  // Pull 10 s, no model load, no probe: a new pod is Ready 10 s after it is scheduled.
  static let cases: [Case] = [
    Case(
      name: "replicas 4, maxSurge 1, maxUnavailable 0: one surge pod at a time", replicas: 4, maxSurge: 1, maxUnavailable: 0,
      strategy: "RollingUpdate", nodes: 5,
      steps: [
        Step(afterSeconds: 0, sizes: [4, 1], ready: 4),
        Step(afterSeconds: 10, sizes: [3, 2], ready: 4),
        Step(afterSeconds: 20, sizes: [2, 3], ready: 4),
        Step(afterSeconds: 30, sizes: [1, 4], ready: 4),
        Step(afterSeconds: 40, sizes: [0, 4], ready: 4),
      ]),
    Case(
      name: "replicas 3, 25%/25%: surge 1 (rounded up), unavailable 0 (rounded down)", replicas: 3, maxSurge: "25%",
      maxUnavailable: "25%", strategy: "RollingUpdate", nodes: 4,
      steps: [
        Step(afterSeconds: 0, sizes: [3, 1], ready: 3),
        Step(afterSeconds: 10, sizes: [2, 2], ready: 3),
        Step(afterSeconds: 20, sizes: [1, 3], ready: 3),
        Step(afterSeconds: 30, sizes: [0, 3], ready: 3),
      ]),
    Case(
      name: "replicas 4, maxSurge 0, maxUnavailable 2: replace in place, two at a time", replicas: 4, maxSurge: 0,
      maxUnavailable: 2, strategy: "RollingUpdate", nodes: 4,
      steps: [
        Step(afterSeconds: 0, sizes: [2, 2], ready: 2),
        Step(afterSeconds: 10, sizes: [0, 4], ready: 2),
        Step(afterSeconds: 20, sizes: [0, 4], ready: 4),
      ]),
    Case(
      name: "Recreate: every old pod goes before new ones start", replicas: 2, maxSurge: 0, maxUnavailable: 0,
      strategy: "Recreate", nodes: 2,
      steps: [
        Step(afterSeconds: 0, sizes: [0, 2], ready: 0),
        Step(afterSeconds: 10, sizes: [0, 2], ready: 2),
      ]),
  ]

  @Test(arguments: cases)
  func followsUpstreamSequence(_ testCase: Case) async throws {
    // Pods stop at once here, so the sequence shows the controller's arithmetic alone.
    var scenario = SimFixtures.gpuScenario(nodes: testCase.nodes)
    scenario.terminationSeconds = 0
    let sim = KubeSim(scenario: scenario)
    _ = try await sim.apply(
      SimFixtures.deployment(
        replicas: testCase.replicas, maxSurge: testCase.maxSurge, maxUnavailable: testCase.maxUnavailable,
        strategy: testCase.strategy),
      options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(60))
    let settled = try await SimFixtures.snapshot(sim)
    #expect(settled.sizes == [testCase.replicas] && settled.ready == Int(testCase.replicas))

    try await SimFixtures.setImage(sim, "vllm:v2")
    var elapsed: Int64 = 0
    for step in testCase.steps {
      await sim.advance(by: .seconds(step.afterSeconds - elapsed))
      elapsed = step.afterSeconds
      let state = try await SimFixtures.snapshot(sim)
      #expect(state.sizes == step.sizes, "\(step)")
      #expect(state.ready == step.ready, "\(step)")
    }
    #expect(await sim.pendingSleepers == 0)
  }

  /// With graceful termination, Recreate starts no new pod until every old one has stopped.
  @Test func recreateWaitsForOldPodsToStop() async throws {
    var scenario = SimFixtures.gpuScenario(nodes: 4)
    scenario.terminationSeconds = 5
    let sim = KubeSim(scenario: scenario)
    _ = try await sim.apply(SimFixtures.deployment(replicas: 2, strategy: "Recreate"), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(60))
    let start = await sim.now.secondsDouble
    try await SimFixtures.setImage(sim, "vllm:v2")
    await sim.advance(by: .seconds(30))
    let entries = await sim.trace.entries.filter { $0.seconds >= start }
    let lastOldStop = entries.filter { $0.kind == .deleted }.map(\.seconds).max() ?? 0
    let firstNewCreate = entries.filter { $0.kind == .created }.map(\.seconds).min() ?? 0
    #expect(entries.filter { $0.kind == .deleted }.count == 2)
    #expect(firstNewCreate >= lastOldStop)
    #expect(lastOldStop == start + 5)
    #expect(try await SimFixtures.snapshot(sim).ready == 2)
  }

  /// A terminating pod keeps its GPU until it has stopped, so the next surge pod waits for it.
  @Test func terminatingPodsHoldTheirGPUUntilTheyStop() async throws {
    var scenario = SimFixtures.gpuScenario(nodes: 5)
    scenario.terminationSeconds = 5
    let sim = KubeSim(scenario: scenario)
    _ = try await sim.apply(SimFixtures.deployment(replicas: 4), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(60))
    try await SimFixtures.setImage(sim, "vllm:v2")
    await sim.advance(by: .seconds(10))
    #expect(try await SimFixtures.snapshot(sim).pending == 1, "surge pod 2 waits for the GPU of the stopping pod")
    await sim.advance(by: .seconds(5))
    #expect(try await SimFixtures.snapshot(sim).pending == 0)
  }

  @Test func neverDropsBelowReplicasMinusMaxUnavailable() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 5))
    _ = try await sim.apply(SimFixtures.deployment(replicas: 4), options: ApplyOptions(fieldManager: "release"))
    await sim.advance(by: .seconds(60))
    let start = await sim.now.secondsDouble
    try await SimFixtures.setImage(sim, "vllm:v2")
    await sim.advance(by: .seconds(120))
    let trace = await sim.trace
    #expect(trace.minimumReadyPods(matching: ["app": "vllm"], from: start) >= 4)
  }
}
