public import Manifest

/// Reading pod state the way controllers and `kubectl` do; shared by the simulated cluster and
/// by the rollout, which sees pods only through `KubeAPI`.
public enum PodStatus {
  public static func isReady(_ pod: Value) -> Bool {
    condition(pod, "Ready")?["status"]?.stringValue == "True"
  }

  /// When the Ready condition last changed, as the server wrote it (RFC 3339).
  public static func readyTransitionTime(_ pod: Value) -> String? {
    guard let ready = condition(pod, "Ready"), ready["status"]?.stringValue == "True" else { return nil }
    return ready["lastTransitionTime"]?.stringValue
  }

  public static func isTerminating(_ pod: Value) -> Bool {
    pod[path: ["metadata", "deletionTimestamp"]] != nil
  }

  public static func isActive(_ pod: Value) -> Bool {
    let phase = pod[path: ["status", "phase"]]?.stringValue
    return !isTerminating(pod) && phase != "Succeeded" && phase != "Failed"
  }

  public static func condition(_ pod: Value, _ type: String) -> Value? {
    pod[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"]?.stringValue == type }
  }

  public static func isScheduled(_ pod: Value) -> Bool { pod[path: ["spec", "nodeName"]]?.stringValue != nil }

  /// Sum of requests over containers, in base units (cpu cores, memory bytes, GPUs).
  public static func requests(_ pod: Value) -> [String: Double] {
    var total: [String: Double] = [:]
    for container in pod[path: ["spec", "containers"]]?.arrayValue ?? [] {
      let requests = container[path: ["resources", "requests"]]?.objectValue ?? [:]
      let limits = container[path: ["resources", "limits"]]?.objectValue ?? [:]
      // Extended resources and unset requests default to the limit, as the API server does.
      var merged = requests
      for (k, v) in limits where merged[k] == nil { merged[k] = v }
      for (resource, raw) in merged {
        if let q = Quantity(raw) { total[resource, default: 0] += q.value }
      }
    }
    return total
  }

  /// Why a container is not running, as `kubectl get pods` shows it (`CrashLoopBackOff`,
  /// `ImagePullBackOff`, `OOMKilled` …), with its restart count; nil when all run.
  public static func waitingReason(_ pod: Value) -> (reason: String, restarts: Int64)? {
    for status in pod[path: ["status", "containerStatuses"]]?.arrayValue ?? [] {
      let restarts = status["restartCount"]?.intValue ?? 0
      if let reason = status[path: ["state", "waiting", "reason"]]?.stringValue { return (reason, restarts) }
      if let reason = status[path: ["state", "terminated", "reason"]]?.stringValue { return (reason, restarts) }
    }
    return nil
  }
}
