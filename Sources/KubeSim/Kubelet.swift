internal import Kube
import Manifest

/// The kubelet model: for each pod bound to a node, image pull (slow the first time on a
/// node, cached after), container start, readiness from the readinessProbe timing
/// (initialDelaySeconds, periodSeconds, successThreshold) and the app's model-load time,
/// crashes with CrashLoopBackOff (10 s doubling to 5 min), OOM kills, pull failures, and
/// graceful termination. Status is written only when it changes.
extension SimCluster {
  mutating func runKubelet() {
    for pod in api.store.list(Self.gvkPod) where PodStatus.isScheduled(pod) {
      guard let uid = pod.uid, let id = pod.resourceID else { continue }
      if pod.isTerminating {
        terminate(pod, uid: uid, id: id)
        continue
      }
      let previous = kubelet[uid]
      var runtime = previous ?? startRuntime(for: pod)
      advanceRuntime(&runtime, pod: pod)
      kubelet[uid] = runtime
      // Nothing moved for this pod since its status was last written: skip the rebuild.
      let version = pod[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
      let readyFlip = runtime.readyAt.map { $0 <= now } != previous?.readyAt.map { $0 <= (kubeletSeen[uid]?.at ?? now) }
      var timeDependent = false
      if case .pullFailed = runtime.state { timeDependent = true }
      if let flip = Self.nextFlip(runtime, behaviour: scenario.behaviour(of: runtime.image), after: now) {
        timeDependent = true
        wake(at: flip)
      }
      if previous == runtime, kubeletSeen[uid]?.version == version, !readyFlip, !timeDependent { continue }
      let status = buildStatus(pod, runtime: runtime)
      defer { kubeletSeen[uid] = (api.store.get(id)?[path: ["metadata", "resourceVersion"]]?.stringValue ?? version, now) }
      if !(pod["status"] ?? .null).isSameObject(as: status) {
        recordTransitions(from: pod, to: status)
        var updated = pod
        updated["status"] = status
        writeStatus(updated, manager: "kubelet")
      }
    }
    // Forget pods that no longer exist.
    let live = Set(api.store.list(Self.gvkPod).compactMap(\.uid))
    for uid in kubelet.keys where !live.contains(uid) {
      kubelet[uid] = nil
      kubeletSeen[uid] = nil
    }
  }

  private mutating func startRuntime(for pod: Value) -> PodRuntime {
    let node = pod[path: ["spec", "nodeName"]]?.stringValue ?? ""
    let image = pod[path: ["spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue ?? ""
    let behaviour = scenario.behaviour(of: image)
    let policy = pod[path: ["spec", "containers"]]?.arrayValue?.first?["imagePullPolicy"]?.stringValue
    let cached = imageCache[node]?.contains(image) ?? false
    let pull = cached && policy != "Always" ? 0 : (cached ? 1 : behaviour.pullSeconds ?? 20)
    podIPCounter += 1
    var runtime = PodRuntime(
      node: node, image: image, state: .pulling(until: now.advanced(by: .milliseconds(Int64(pull * 1000)))),
      startTime: now)
    runtime.podIP = "10.244.\(podIPCounter / 250).\(podIPCounter % 250 + 2)"
    recordEvent(pod, reason: "Pulling", message: "Pulling image \"\(image)\"", component: "kubelet")
    if behaviour.pullError {
      runtime.state = .pullFailed(since: now)
      recordEvent(pod, type: "Warning", reason: "Failed", message: "Failed to pull image \"\(image)\": ErrImagePull", component: "kubelet")
    }
    return runtime
  }

  private mutating func advanceRuntime(_ runtime: inout PodRuntime, pod: Value) {
    let behaviour = scenario.behaviour(of: runtime.image)
    while true {
      switch runtime.state {
      case .pulling(let until):
        guard until <= now else {
          wake(at: until)
          return
        }
        imageCache[runtime.node, default: []].insert(runtime.image)
        recordEvent(pod, reason: "Pulled", message: "Container image \"\(runtime.image)\" pulled", component: "kubelet")
        beginRun(&runtime, at: until, pod: pod, behaviour: behaviour)
        recordEvent(pod, reason: "Started", message: "Started container", component: "kubelet")
      case .running:
        if let crash = runtime.crashAt {
          guard crash <= now else {
            wake(at: crash)
            if let ready = runtime.readyAt, ready > now { wake(at: ready) }
            return
          }
          runtime.restartCount += 1
          runtime.lastTermination = (runtime.crashReason, runtime.exitCode, crash)
          // CrashLoopBackOff: 10 s, doubling, capped at five minutes (kubelet's backoff).
          let delay = min(10 * pow2(runtime.restartCount - 1), 300)
          runtime.state = .backOff(until: crash.advanced(by: .seconds(delay)))
          runtime.readyAt = nil
          runtime.crashAt = nil
          trace.record(.crashed, pod, at: crash, "\(runtime.crashReason) exit \(runtime.exitCode), restart \(runtime.restartCount)")
          if runtime.crashReason == "OOMKilled" {
            recordEvent(pod, type: "Warning", reason: "OOMKilling", message: "Memory cgroup out of memory: Killed process in container", component: "kubelet")
          }
          recordEvent(pod, type: "Warning", reason: "BackOff", message: "Back-off restarting failed container", component: "kubelet")
          continue
        }
        if let ready = runtime.readyAt, ready > now { wake(at: ready) }
        return
      case .backOff(let until):
        guard until <= now else {
          wake(at: until)
          return
        }
        beginRun(&runtime, at: until, pod: pod, behaviour: behaviour)
      case .pullFailed:
        return
      }
    }
  }

  private func pow2(_ n: Int64) -> Int64 { n >= 5 ? 32 : Int64(1) << n }

  private mutating func beginRun(_ runtime: inout PodRuntime, at start: SimInstant, pod: Value, behaviour: Scenario.ImageBehaviour) {
    runtime.state = .running(since: start)
    let container = pod[path: ["spec", "containers"]]?.arrayValue?.first ?? [:]
    runtime.crashAt = nil
    if let after = behaviour.crashAfterSeconds {
      runtime.crashAt = start.advanced(by: .milliseconds(Int64(after * 1000)))
      runtime.crashReason = "Error"
      runtime.exitCode = behaviour.crashExitCode
    } else if let after = behaviour.oomAfterSeconds {
      runtime.crashAt = start.advanced(by: .milliseconds(Int64(after * 1000)))
      runtime.crashReason = "OOMKilled"
      runtime.exitCode = 137
    }
    runtime.readyAt = nil
    if !behaviour.neverReady {
      let appReady = start.advanced(by: .milliseconds(Int64((behaviour.modelLoadSeconds ?? 0) * 1000)))
      if let probe = container["readinessProbe"], probe.objectValue != nil {
        let initial = Double(probe["initialDelaySeconds"]?.intValue ?? 0)
        let period = Double(probe["periodSeconds"]?.intValue ?? 10)
        let successes = Double(probe["successThreshold"]?.intValue ?? 1)
        let firstProbe = start.secondsDouble + initial
        let wait = max(0, appReady.secondsDouble - firstProbe)
        let passing = firstProbe + (wait / period).rounded(.up) * period
        let readyAt = passing + (successes - 1) * period
        runtime.readyAt = SimInstant(sinceEpoch: .milliseconds(Int64((readyAt * 1000).rounded())))
      } else {
        runtime.readyAt = start
      }
      if let crash = runtime.crashAt, let ready = runtime.readyAt, crash <= ready { runtime.readyAt = nil }
    }
  }

  private func buildStatus(_ pod: Value, runtime: PodRuntime) -> Value {
    let old = pod["status"] ?? [:]
    let container = pod[path: ["spec", "containers"]]?.arrayValue?.first ?? [:]
    let name = container["name"] ?? "app"
    var ready = false
    var phase = "Pending"
    var state: Value
    switch runtime.state {
    case .pulling:
      state = ["waiting": ["reason": "ContainerCreating"]]
    case .pullFailed(let since):
      let backOff = now.secondsDouble - since.secondsDouble >= 10
      state = ["waiting": [
        "reason": .string(backOff ? "ImagePullBackOff" : "ErrImagePull"),
        "message": .string("Back-off pulling image \"\(runtime.image)\""),
      ]]
    case .running(let since):
      phase = "Running"
      state = ["running": ["startedAt": .string(since.rfc3339)]]
      ready = Self.isReady(runtime, behaviour: scenario.behaviour(of: runtime.image), at: now)
    case .backOff:
      phase = "Running"
      state = ["waiting": [
        "reason": "CrashLoopBackOff",
        "message": .string("back-off \(min(10 * pow2(runtime.restartCount - 1), 300))s restarting failed container=\(name.stringValue ?? "") pod=\(pod.name ?? "")"),
      ]]
    }
    // The runtime knows the digest once the image is pulled; before that kubelet reports "".
    var imageID = ""
    switch runtime.state {
    case .running, .backOff: imageID = scenario.imageID(of: runtime.image, node: runtime.node)
    case .pulling, .pullFailed: break
    }
    var containerStatus: Value = [
      "name": name, "image": .string(runtime.image), "imageID": .string(imageID), "ready": .bool(ready),
      "restartCount": .int(runtime.restartCount), "started": .bool(phase == "Running" && state["running"] != nil), "state": state,
    ]
    if let last = runtime.lastTermination {
      containerStatus["lastState"] = ["terminated": [
        "reason": .string(last.reason), "exitCode": .int(last.exitCode), "finishedAt": .string(last.at.rfc3339),
      ]]
    }
    func condition(_ type: String, _ value: Bool) -> Value {
      let status = value ? "True" : "False"
      let previous = old["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
      let since = previous?["status"]?.stringValue == status ? previous?["lastTransitionTime"] ?? .string(now.rfc3339) : .string(now.rfc3339)
      return ["type": .string(type), "status": .string(status), "lastTransitionTime": since]
    }
    var status: Value = [
      "phase": .string(phase),
      "conditions": [
        condition("Initialized", true), condition("Ready", ready), condition("ContainersReady", ready),
        condition("PodScheduled", true),
      ],
      "hostIP": .string("192.168.0.\(abs(runtime.node.hashValueStable) % 250 + 1)"),
      "startTime": .string(runtime.startTime.rfc3339),
      "containerStatuses": [containerStatus],
      "qosClass": "Burstable",
    ]
    if phase == "Running", let ip = runtime.podIP {
      status["podIP"] = .string(ip)
      status["podIPs"] = [["ip": .string(ip)]]
    }
    return status
  }

  /// Ready once `readyAt` has passed; a flapping app then alternates ready / not ready.
  static func isReady(_ runtime: PodRuntime, behaviour: Scenario.ImageBehaviour, at now: SimInstant) -> Bool {
    guard let readyAt = runtime.readyAt, readyAt <= now else { return false }
    guard let up = behaviour.flapReadySeconds, let down = behaviour.flapNotReadySeconds, up + down > 0 else { return true }
    let phase = (now.secondsDouble - readyAt.secondsDouble).truncatingRemainder(dividingBy: up + down)
    return phase < up
  }

  /// The next instant a flapping pod's readiness changes.
  static func nextFlip(_ runtime: PodRuntime, behaviour: Scenario.ImageBehaviour, after now: SimInstant) -> SimInstant? {
    guard let readyAt = runtime.readyAt, readyAt <= now, let up = behaviour.flapReadySeconds,
      let down = behaviour.flapNotReadySeconds, up + down > 0
    else { return nil }
    let elapsed = now.secondsDouble - readyAt.secondsDouble
    let cycle = (elapsed / (up + down)).rounded(.down) * (up + down)
    let phase = elapsed - cycle
    let next = readyAt.secondsDouble + cycle + (phase < up ? up : up + down)
    return SimInstant(sinceEpoch: .milliseconds(Int64((next * 1000).rounded())))
  }

  private mutating func recordTransitions(from pod: Value, to status: Value) {
    var after = pod
    after["status"] = status
    let wasRunning = pod[path: ["status", "phase"]]?.stringValue == "Running"
    if !wasRunning && status["phase"]?.stringValue == "Running" { trace.record(.started, after, at: now) }
    let wasReady = PodStatus.isReady(pod)
    let isReady = PodStatus.isReady(after)
    if !wasReady && isReady { trace.record(.ready, after, at: now) }
    if wasReady && !isReady { trace.record(.notReady, after, at: now) }
  }

  private mutating func terminate(_ pod: Value, uid: String, id: ResourceID) {
    var runtime = kubelet[uid] ?? PodRuntime(node: "", image: "", state: .running(since: now), startTime: now)
    if runtime.stopAt == nil {
      let grace = Double(pod[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue ?? 30)
      let stop = min(grace, scenario.terminationSeconds)
      runtime.stopAt = now.advanced(by: .milliseconds(Int64(stop * 1000)))
      trace.record(.terminating, pod, at: now)
      recordEvent(pod, reason: "Killing", message: "Stopping container", component: "kubelet")
      if PodStatus.isReady(pod) {
        var updated = pod
        var conditions = pod[path: ["status", "conditions"]]?.arrayValue ?? []
        for i in conditions.indices where ["Ready", "ContainersReady"].contains(conditions[i]["type"]?.stringValue ?? "") {
          conditions[i]["status"] = "False"
          conditions[i]["lastTransitionTime"] = .string(now.rfc3339)
        }
        updated[path: ["status", "conditions"]] = .array(conditions)
        writeStatus(updated, manager: "kubelet")
      }
    }
    kubelet[uid] = runtime
    if let stop = runtime.stopAt {
      if stop <= now {
        trace.record(.deleted, pod, at: now)
        api.finalizePodRemoval(id, now: now)
        kubelet[uid] = nil
      } else {
        wake(at: stop)
      }
    }
  }
}

extension String {
  /// A hash that is the same in every process (Swift's hashValue is seeded per run).
  var hashValueStable: Int {
    var h: UInt32 = 2_166_136_261
    for b in utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
    return Int(h)
  }
}
