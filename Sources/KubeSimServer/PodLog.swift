import Manifest

/// What `kubectl logs` shows for a simulated pod: no process runs, so the log is told from
/// the container's status (started, ready, terminated with its reason and exit code).
enum PodLog {
  static func text(for pod: Value, container: String?) -> String {
    let statuses = pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []
    guard let status = statuses.first(where: { container == nil || $0["name"]?.stringValue == container }) else {
      return ""
    }
    let name = status["name"]?.stringValue ?? "container"
    let image = status["image"]?.stringValue ?? ""
    var lines: [String] = []
    if let started = status[path: ["state", "running", "startedAt"]]?.stringValue {
      lines.append("\(started) [kubesim] container \(name) (\(image)) started")
      if status["ready"]?.boolValue == true { lines.append("\(started) [kubesim] readiness probe passing") }
    }
    if let terminated = status[path: ["state", "terminated"]] ?? status[path: ["lastState", "terminated"]] {
      let at = terminated["finishedAt"]?.stringValue ?? ""
      let reason = terminated["reason"]?.stringValue ?? "Error"
      lines.append("\(at) [kubesim] container \(name) exited: \(reason), code \(terminated["exitCode"]?.intValue ?? 0)")
    }
    if let waiting = status[path: ["state", "waiting", "reason"]]?.stringValue {
      lines.append("[kubesim] container \(name) waiting: \(waiting)")
    }
    return lines.map { $0 + "\n" }.joined()
  }
}
