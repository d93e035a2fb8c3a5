import Kube
import KubeSim
import Manifest
import Testing

/// `KubeSim.run` moves time one controller wake-up at a time while the client waits on a
/// watch and a sleep, so a client reacts at the virtual instant of the change it watches.
@Suite struct WatchDrivenRunTests {
  enum Woken: Sendable { case ready(Double), timedOut }

  /// Waits for a pod of the Deployment to become Ready, or `timeout`.
  static func firstReady(_ sim: KubeSim, from version: String, timeout: Duration, clock: SimClock) async throws -> Woken {
    let stream = try await sim.watch(SimFixtures.podGVK, namespace: "llm", options: ListOptions(resourceVersion: version))
    return try await withThrowingTaskGroup(of: Woken?.self) { group in
      group.addTask {
        for try await event in stream where PodStatus.isReady(event.object) { return .ready(clock.now.secondsDouble) }
        return nil
      }
      group.addTask {
        try await clock.sleep(for: timeout)
        return .timedOut
      }
      while let result = try await group.next() {
        if let result {
          group.cancelAll()
          return result
        }
      }
      return .timedOut
    }
  }

  @Test func aClientWaitingOnAWatchWakesAtTheInstantOfTheChange() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 1))
    let version = try await sim.list(SimFixtures.podGVK, namespace: "llm").resourceVersion
    _ = try await sim.create(SimFixtures.deployment(replicas: 1, readinessDelay: 37), options: WriteOptions())
    let woken = try await sim.run { clock in try await Self.firstReady(sim, from: version, timeout: .seconds(600), clock: clock) }
    let ready = try #require(await sim.trace.entries(.ready).first)
    guard case .ready(let seconds) = woken else { Issue.record("timed out; ready at \(ready)"); return }
    #expect(seconds == ready.seconds)
    #expect(await sim.now.secondsDouble == ready.seconds, "time stopped where the client did")
    #expect(await sim.openWatches == 0)
    #expect(await sim.pendingSleepers == 0, "the sleep the watch beat is gone")
  }

  @Test func theSleepEndsTheWaitWhenNoChangeComes() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 1))
    let version = try await sim.list(SimFixtures.podGVK, namespace: "llm").resourceVersion
    _ = try await sim.create(SimFixtures.deployment(replicas: 1, readinessDelay: 300), options: WriteOptions())
    let start = await sim.now.secondsDouble
    let woken = try await sim.run { clock in try await Self.firstReady(sim, from: version, timeout: .seconds(60), clock: clock) }
    guard case .timedOut = woken else { Issue.record("\(woken)"); return }
    #expect(await sim.now.secondsDouble == start + 60)
    #expect(await sim.openWatches == 0)
  }

  @Test func aSleepCancelledByTheWatchNeitherStallsNorMovesTime() async throws {
    let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 1))
    let version = try await sim.list(SimFixtures.podGVK, namespace: "llm").resourceVersion
    _ = try await sim.create(SimFixtures.deployment(replicas: 1, readinessDelay: 37), options: WriteOptions())
    let (woken, end) = try await sim.run { clock in
      let woken = try await Self.firstReady(sim, from: version, timeout: .seconds(1000), clock: clock)
      try await clock.sleep(for: .seconds(10))
      return (woken, clock.now.secondsDouble)
    }
    guard case .ready(let seconds) = woken else { Issue.record("\(woken)"); return }
    #expect(end == seconds + 10)
    #expect(await sim.pendingSleepers == 0)
  }

  @Test func aWatchClientReplaysTheSameWay() async throws {
    var instants: [Double] = []
    for _ in 0..<3 {
      let sim = KubeSim(scenario: SimFixtures.gpuScenario(nodes: 2, seed: 11))
      let version = try await sim.list(SimFixtures.podGVK, namespace: "llm").resourceVersion
      _ = try await sim.create(SimFixtures.deployment(replicas: 2, readinessDelay: 45), options: WriteOptions())
      let woken = try await sim.run { clock in try await Self.firstReady(sim, from: version, timeout: .seconds(600), clock: clock) }
      if case .ready(let seconds) = woken { instants.append(seconds) }
    }
    #expect(instants.count == 3 && Set(instants).count == 1, "\(instants)")
  }
}
