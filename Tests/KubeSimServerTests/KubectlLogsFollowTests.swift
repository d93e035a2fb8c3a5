import Foundation
import Kube
import KubeSim
import KubeSimServer
import Manifest
import Testing

/// `kubectl logs -f` on the served cluster: the stream stays open and brings each line when
/// virtual time reaches it, and ends with the container. Time stands still (speed 0) and
/// moves only when the test advances it, so what has arrived is exact.
@Suite("kubectl logs -f against KubeSimServer")
struct KubectlLogsFollowTests {
  /// vLLM images take 100 s to load their model; `-crash` ones die 150 s into a run.
  static func scenario() -> Scenario {
    var scenario = ServerFixtures.scenario()
    scenario.defaults = Scenario.ImageBehaviour(pullSeconds: 10, modelLoadSeconds: 100)
    scenario.images = [Scenario.ImageRule(image: nil, tagSuffix: "-crash", behaviour: Scenario.ImageBehaviour(crashAfterSeconds: 150))]
    return scenario
  }

  static func runningPod(_ sim: KubeSim) async throws -> ResourceID {
    let pod = try #require(try await ServerFixtures.pods(sim).first)
    return try #require(pod.resourceID)
  }

  @Test func followsTheModelLoadAndEndsWhenThePodStops() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, scenario: Self.scenario(), speed: 0) {
      server, _, kubectl in
      let sim = server.sim
      try await kubectl.expectSuccess("apply", "-f", try kubectl.file("app.yaml", ServerFixtures.app()))
      await sim.advance(by: .seconds(20))  // pulled at 10 s; the model load began
      let pod = try await Self.runningPod(sim)
      let follow = try kubectl.start("logs", "-f", pod.name)
      defer { follow.stop() }
      #expect(try await eventually { follow.output.contains("Starting to load model facebook/opt-125m...") }, "\(follow.output)")
      #expect(!follow.output.contains("Loading safetensors checkpoint shards"))
      #expect(try await eventually { await sim.openLogFollows == 1 })

      await sim.advance(by: .seconds(50))  // 60 s into the run: two shards of four
      #expect(try await eventually { follow.output.contains("Loading safetensors checkpoint shards: 50% Completed") }, "\(follow.output)")
      #expect(!follow.output.contains("75% Completed"))
      await sim.advance(by: .seconds(60))
      #expect(try await eventually { follow.output.contains("INFO:     Application startup complete.") }, "\(follow.output)")
      #expect(follow.isRunning, "the stream stays open while the container runs")

      // Deleting the pod stops the container (2 s here): uvicorn shuts down and the stream ends.
      _ = try await sim.delete(pod, options: DeleteOptions())
      await sim.advance(by: .seconds(5))
      #expect(try await follow.exitStatus(within: .seconds(120)) == 0, "\(follow.output)")
      #expect(
        follow.output.hasSuffix("INFO:     Application shutdown complete.\nINFO:     Finished server process [1]\n"), "\(follow.output)")
      let lines = follow.output.split(separator: "\n")
      #expect(Set(lines).count == lines.count, "no line twice")
      #expect(try await eventually { await sim.openLogFollows == 0 })
    }
  }

  @Test func endsWithTheTracebackOfACrash() async throws {
    try await ServerFixtures.withServer(tls: true, credential: .clientCertificate, scenario: Self.scenario(), speed: 0) {
      server, _, kubectl in
      let sim = server.sim
      let manifest = try kubectl.file("app.yaml", ServerFixtures.app(image: "vllm/vllm-openai:v0.6.0-crash"))
      try await kubectl.expectSuccess("apply", "-f", manifest)
      await sim.advance(by: .seconds(130))  // 120 s into the run: loaded, not crashed yet
      let pod = try await Self.runningPod(sim)
      let follow = try kubectl.start("logs", "-f", "--timestamps", pod.name)
      defer { follow.stop() }
      #expect(try await eventually { follow.output.contains("Application startup complete.") }, "\(follow.output)")
      await sim.advance(by: .seconds(40))
      #expect(try await follow.exitStatus(within: .seconds(120)) == 0, "\(follow.output)")
      let last = follow.output.split(separator: "\n").last.map(String.init) ?? ""
      // Timestamps on virtual time: the run began at 10 s and crashed 150 s later.
      #expect(
        last == "2026-01-01T00:02:40.000000000Z RuntimeError: CUDA error: an illegal memory access was encountered", "\(follow.output)")
      // Restarting after the back-off, the container is followed afresh.
      let previous = try await kubectl("logs", "--previous", pod.name)
      #expect(previous.stdout.hasSuffix("RuntimeError: CUDA error: an illegal memory access was encountered\n"), "\(previous.output)")
    }
  }
}
