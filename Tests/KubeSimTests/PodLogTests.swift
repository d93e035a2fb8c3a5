import Kube
import KubeSim
import Manifest
import Testing

/// `kubectl logs` of a simulated vLLM pod tells its life on virtual time.
@Suite struct PodLogTests {
  static func deployment(image: String) -> Value {
    var deployment = AdmissionTests.article
    deployment[path: ["spec", "replicas"]] = 1
    deployment[path: ["spec", "template", "spec", "containers"]] = [[
      "name": "vllm", "image": .string(image),
      "env": [["name": "MODEL_NAME", "value": "Qwen/Qwen2.5-7B-Instruct"], ["name": "MAX_MODEL_LEN", "value": "8192"]],
      "resources": ["limits": ["nvidia.com/gpu": 1]],
      "readinessProbe": ["httpGet": ["path": "/health", "port": 8000], "initialDelaySeconds": 300],
    ]]
    return deployment
  }

  static func start(_ image: String) async throws -> (KubeSim, ResourceID) {
    let sim = KubeSim()
    _ = try await sim.apply(deployment(image: image), options: ApplyOptions(fieldManager: "kubectl"))
    let pod = try await sim.list(AdmissionTests.pods, namespace: "default").items.first
    return (sim, try #require(pod?.resourceID))
  }

  func log(_ sim: KubeSim, _ pod: ResourceID, _ request: PodLogRequest = PodLogRequest()) async throws -> String {
    try await sim.logs(of: pod, request)
  }

  /// Pull 90 s, load 240 s, first passing probe at 300 s after start: the log grows with time.
  @Test func aVLLMPodLogsItsModelLoadAsTimeGoesBy() async throws {
    let (sim, pod) = try await Self.start("vllm/vllm-openai:v0.6.3")
    await #expect(throws: KubeError.badRequest(#"container "vllm" in pod "\#(pod.name)" is waiting to start: ContainerCreating"#)) {
      try await sim.logs(of: pod, PodLogRequest())
    }
    await sim.advance(by: .seconds(90 + 130))
    let loading = try await log(sim, pod)
    #expect(loading.contains("vLLM API server version 0.6.3"))
    #expect(loading.contains("args: model='Qwen/Qwen2.5-7B-Instruct', max_model_len=8192"))
    #expect(loading.contains("Starting to load model Qwen/Qwen2.5-7B-Instruct..."))
    #expect(loading.contains("50% Completed"))
    #expect(!loading.contains("75% Completed"))
    #expect(!loading.contains("Application startup complete."))

    await sim.advance(by: .seconds(200))
    let ready = try await log(sim, pod)
    #expect(ready.contains("100% Completed | ██████████| 4/4"))
    #expect(ready.contains("INFO:     Application startup complete."))
    #expect(ready.hasSuffix("\"GET /health HTTP/1.1\" 200 OK\n"))

    let tail = try await log(sim, pod, PodLogRequest(timestamps: true, tailLines: 2))
    let lines = tail.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines.first?.hasPrefix("2026-01-01T00:") == true && lines.first?.contains(".000000000Z INFO:") == true, "\(tail)")
  }

  @Test func aCrashShowsItsTracebackAndPreviousAfterTheRestart() async throws {
    let (sim, pod) = try await Self.start("vllm/vllm-openai:v0.6.3-crash")
    await sim.advance(by: .seconds(90 + 20))
    await #expect(throws: KubeError.badRequest(#"previous terminated container "vllm" in pod "\#(pod.name)" not found"#)) {
      try await sim.logs(of: pod, PodLogRequest(previous: true))
    }
    await sim.advance(by: .seconds(15))
    // Crashed at 30 s after start, backing off: the last instance's log is what there is.
    let crashed = try await log(sim, pod)
    #expect(crashed.hasSuffix("RuntimeError: CUDA error: an illegal memory access was encountered\n"), "\(crashed)")
    #expect(try await log(sim, pod, PodLogRequest(previous: true)) == crashed)
    await sim.advance(by: .seconds(10))
    let restarted = try await log(sim, pod)
    #expect(!restarted.contains("RuntimeError"), "a new instance starts a new log")
    #expect(restarted.contains("vLLM API server version"))
  }

  @Test func anOOMKillEndsTheLogMidStartup() async throws {
    let (sim, pod) = try await Self.start("vllm/vllm-openai:v0.6.3-oom")
    await sim.advance(by: .seconds(90 + 61))
    let previous = try await log(sim, pod, PodLogRequest(previous: true))
    #expect(previous.contains("Starting to load model"))
    #expect(!previous.contains("RuntimeError"))
    #expect(!previous.contains("Application startup complete."))
  }
}
