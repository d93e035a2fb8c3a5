public import Manifest

/// Reading pod state the way controllers do.
public enum PodStatus {
  public static func isReady(_ pod: Value) -> Bool {
    condition(pod, "Ready")?["status"]?.stringValue == "True"
  }

  /// When the pod last became Ready, if it is Ready.
  public static func readySince(_ pod: Value) -> SimInstant? {
    guard let ready = condition(pod, "Ready"), ready["status"]?.stringValue == "True" else { return nil }
    return SimInstant.parse(ready["lastTransitionTime"]?.stringValue ?? "")
  }

  /// Ready for at least `minReadySeconds` (upstream IsPodAvailable).
  public static func isAvailable(_ pod: Value, minReadySeconds: Int64, now: SimInstant) -> Bool {
    guard !pod.isTerminating, let since = readySince(pod) else { return false }
    return minReadySeconds == 0 || since.advanced(by: .seconds(minReadySeconds)) <= now
  }

  public static func isActive(_ pod: Value) -> Bool {
    let phase = pod[path: ["status", "phase"]]?.stringValue
    return !pod.isTerminating && phase != "Succeeded" && phase != "Failed"
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
}
