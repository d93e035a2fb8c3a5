public import Kube
public import Manifest

/// What `kubectl logs` shows for a simulated pod: no process runs, so the log tells the
/// container's life from the kubelet model on virtual time. A vLLM image (one with a model to
/// load) writes vLLM's startup — its arguments, the checkpoint shards loading with progress,
/// `Application startup complete.`, health checks — then a crash's traceback, or nothing
/// more when the kernel OOM-kills it; other images say when they started and stopped.
/// Only what has happened by now is in the log.
public struct PodLogRequest: Sendable, Equatable {
  public var container: String?
  /// The previous, terminated instance of the container (`--previous`).
  public var previous: Bool
  /// Each line prefixed with its RFC 3339 time (`--timestamps`).
  public var timestamps: Bool
  /// Only the last lines (`--tail`).
  public var tailLines: Int?

  public init(container: String? = nil, previous: Bool = false, timestamps: Bool = false, tailLines: Int? = nil) {
    self.container = container
    self.previous = previous
    self.timestamps = timestamps
    self.tailLines = tailLines
  }
}

extension SimCluster {
  struct LogLine {
    var at: SimInstant
    var text: String
  }

  /// The container a log request names, or the pod's only one.
  func logContainer(_ pod: Value, request: PodLogRequest) throws(KubeError) -> Value {
    let podName = pod.name ?? ""
    let containers = pod[path: ["spec", "containers"]]?.arrayValue ?? []
    if let wanted = request.container {
      guard let found = containers.first(where: { $0["name"]?.stringValue == wanted }) else {
        throw KubeError.badRequest("container \(wanted) is not valid for pod \(podName)")
      }
      return found
    }
    guard containers.count <= 1, let only = containers.first else {
      let names = containers.compactMap { $0["name"]?.stringValue }.joined(separator: " ")
      throw KubeError.badRequest("a container name must be specified for pod \(podName), choose one of: [\(names)]")
    }
    return only
  }

  func podLog(_ pod: Value, request: PodLogRequest) throws(KubeError) -> String {
    let podName = pod.name ?? ""
    let container = try logContainer(pod, request: request)
    let name = container["name"]?.stringValue ?? ""
    guard let uid = pod.uid, let runtime = kubelet[uid] else {
      throw KubeError.badRequest("container \"\(name)\" in pod \"\(podName)\" is waiting to start: ContainerCreating")
    }
    let behaviour = scenario.behaviour(of: runtime.image)
    var lines: [LogLine]
    if request.previous {
      guard let last = runtime.lastTermination else {
        throw KubeError.badRequest("previous terminated container \"\(name)\" in pod \"\(podName)\" not found")
      }
      // Runs end a fixed time after they start, so the previous one began that long before.
      let length = (last.reason == "OOMKilled" ? behaviour.oomAfterSeconds : behaviour.crashAfterSeconds) ?? 0
      let start = last.at.advanced(by: .milliseconds(-Int64(length * 1000)))
      lines = Self.runLog(container: container, image: runtime.image, behaviour: behaviour, start: start, end: last.at, exit: last)
    } else {
      switch runtime.state {
      case .pulling:
        throw KubeError.badRequest("container \"\(name)\" in pod \"\(podName)\" is waiting to start: ContainerCreating")
      case .pullFailed:
        throw KubeError.badRequest("container \"\(name)\" in pod \"\(podName)\" is waiting to start: trying and failing to pull image")
      case .backOff:
        // The kubelet serves the last terminated instance while the next waits to restart.
        guard let last = runtime.lastTermination else { return "" }
        let length = (last.reason == "OOMKilled" ? behaviour.oomAfterSeconds : behaviour.crashAfterSeconds) ?? 0
        let start = last.at.advanced(by: .milliseconds(-Int64(length * 1000)))
        lines = Self.runLog(container: container, image: runtime.image, behaviour: behaviour, start: start, end: last.at, exit: last)
      case .running(let since):
        lines = Self.runLog(
          container: container, image: runtime.image, behaviour: behaviour, start: since, end: now, exit: nil, readyAt: runtime.readyAt,
          stop: runtime.stopAt)
      }
    }
    lines = lines.filter { $0.at <= now }
    if let tail = request.tailLines, tail >= 0 { lines = Array(lines.suffix(tail)) }
    return Self.text(lines, timestamps: request.timestamps)
  }

  static func text(_ lines: [LogLine], timestamps: Bool) -> String {
    lines.map { (timestamps ? $0.at.rfc3339Nano + " " : "") + $0.text + "\n" }.joined()
  }

  /// One run of the container from `start`, cut at `end`; `exit` is how it ended, if it did,
  /// and `stop` when the kubelet stops it (the pod is being deleted).
  static func runLog(
    container: Value, image: String, behaviour: Scenario.ImageBehaviour, start: SimInstant, end: SimInstant,
    exit: (reason: String, exitCode: Int64, at: SimInstant)?, readyAt: SimInstant? = nil, stop: SimInstant? = nil
  ) -> [LogLine] {
    func at(_ seconds: Double) -> SimInstant { start.advanced(by: .milliseconds(Int64((seconds * 1000).rounded()))) }
    let load = behaviour.modelLoadSeconds ?? 0
    var lines: [LogLine] = []
    if load > 0 {
      let env = container["env"]?.arrayValue ?? []
      func variable(_ key: String) -> String? { env.first { $0["name"]?.stringValue == key }?["value"]?.stringValue }
      let model = variable("MODEL_NAME") ?? "facebook/opt-125m"
      let version = ImageName.tag(of: image).map { $0.hasPrefix("v") ? String($0.dropFirst()) : $0 } ?? "latest"
      func info(_ seconds: Double, _ source: String, _ text: String) {
        let time = at(seconds)
        lines.append(LogLine(at: time, text: "INFO \(time.vllmStamp) [\(source)] \(text)"))
      }
      info(0, "api_server.py:585", "vLLM API server version \(version)")
      info(0, "api_server.py:586", "args: model='\(model)', max_model_len=\(variable("MAX_MODEL_LEN") ?? "None"), port=8000")
      info(1, "model_runner.py:1060", "Starting to load model \(model)...")
      let shards = 4
      for shard in 1...shards {
        let percent = shard * 100 / shards
        let time = at(1 + (load - 1) * Double(shard) / Double(shards))
        let bar = String(repeating: "█", count: percent / 10) + String(repeating: " ", count: 10 - percent / 10)
        lines.append(LogLine(at: time, text: "Loading safetensors checkpoint shards: \(percent)% Completed | \(bar)| \(shard)/\(shards)"))
      }
      info(load, "model_runner.py:1071", "Loading model weights took \(load) s")
      info(load, "launcher.py:19", "Available routes are: /health, /metrics, /v1/models, /v1/completions, /v1/chat/completions")
      lines.append(LogLine(at: at(load), text: "INFO:     Started server process [1]"))
      lines.append(LogLine(at: at(load), text: "INFO:     Waiting for application startup."))
      lines.append(LogLine(at: at(load), text: "INFO:     Application startup complete."))
      lines.append(LogLine(at: at(load), text: "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)"))
      if behaviour.neverReady {
        lines.append(LogLine(at: at(load), text: "ERROR \(at(load).vllmStamp) [engine.py:162] Engine is not healthy: KV cache profiling did not finish"))
      } else if let readyAt, container["readinessProbe"]?.objectValue != nil {
        // Only a readiness probe calls /health; it passes once the model is loaded.
        lines.append(LogLine(at: max(readyAt, at(load)), text: "INFO:     10.244.0.1:52814 - \"GET /health HTTP/1.1\" 200 OK"))
      }
    } else {
      let name = container["name"]?.stringValue ?? ""
      lines.append(LogLine(at: start, text: "[kubesim] container \(name) (\(image)) started"))
      if let readyAt { lines.append(LogLine(at: readyAt, text: "[kubesim] readiness probe passing")) }
    }
    if let stop, exit == nil {
      // SIGTERM: uvicorn's graceful shutdown, or the plain container's last word.
      if load > 0, stop >= at(load) {
        for text in ["Shutting down", "Waiting for application shutdown.", "Application shutdown complete.", "Finished server process [1]"] {
          lines.append(LogLine(at: stop, text: "INFO:     \(text)"))
        }
      } else {
        lines.append(LogLine(at: stop, text: "[kubesim] container \(container["name"]?.stringValue ?? "") stopped"))
      }
    }
    if let exit, exit.reason != "OOMKilled" {
      // A crash writes its traceback as it goes; an OOM kill stops the process mid-line.
      lines.append(LogLine(at: exit.at, text: "ERROR \(exit.at.vllmStamp) [engine.py:135] Engine background task failed"))
      lines.append(LogLine(at: exit.at, text: "RuntimeError: CUDA error: an illegal memory access was encountered"))
    }
    return lines.filter { $0.at <= end }
  }
}

extension SimInstant {
  /// vLLM's log stamp: `01-01 00:05:00` (month-day hour:minute:second).
  var vllmStamp: String {
    let text = rfc3339
    let date = text.dropFirst(5).prefix(5)
    let time = text.dropFirst(11).prefix(8)
    return "\(date) \(time)"
  }

  /// RFC 3339 with nanoseconds, as `kubectl logs --timestamps` prints.
  var rfc3339Nano: String {
    let nanos = String(sinceEpoch.components.attoseconds / 1_000_000_000)
    return String(rfc3339.dropLast()) + "." + String(repeating: "0", count: max(0, 9 - nanos.count)) + nanos + "Z"
  }
}

extension KubeSim {
  /// `pods/log`: the log of a pod's container as it stands at the current virtual time.
  public func logs(of pod: ResourceID, _ request: PodLogRequest) throws(KubeError) -> String {
    let object = try cluster.api.get(try cluster.api.normalizedStoredID(pod))
    return try cluster.podLog(object, request: request)
  }
}
