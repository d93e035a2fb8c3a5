internal import Kube
internal import Manifest

/// Judges one pod of a new version from its status alone: the failures that no amount of
/// waiting fixes. Not-yet-ready is judged by the executor, which knows how long it has waited.
enum PodHealth {
  /// Waiting reasons that mean the image cannot run as configured.
  static let imageFailures: Set<String> = ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull"]
  static let configFailures: Set<String> = ["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]

  static func failure(of pod: Value, maxRestarts: Int) -> (gate: String, evidence: String)? {
    let name = pod[path: ["metadata", "name"]]?.stringValue ?? "?"
    for status in pod[path: ["status", "containerStatuses"]]?.arrayValue ?? [] {
      let container = status["name"]?.stringValue ?? "?"
      let restarts = status["restartCount"]?.intValue ?? 0
      let waiting = status[path: ["state", "waiting", "reason"]]?.stringValue
      let message = status[path: ["state", "waiting", "message"]]?.stringValue.map { ": \($0)" } ?? ""
      // A pull that fails once may be a registry blip; the kubelet's back-off says it keeps failing.
      if let waiting, waiting == "ImagePullBackOff" || waiting == "InvalidImageName" || waiting == "ErrImageNeverPull" {
        return ("image-pull", "pod \(name) container \(container): \(waiting)\(message)")
      }
      if let waiting, configFailures.contains(waiting) {
        return ("container-config", "pod \(name) container \(container): \(waiting)\(message)")
      }
      // A model that does not fit its memory does not fit on the next try either.
      for state in ["state", "lastState"] where status[path: [state, "terminated", "reason"]]?.stringValue == "OOMKilled" {
        return ("oom-killed", "pod \(name) container \(container) was OOMKilled (restarts \(restarts))")
      }
      if restarts > Int64(maxRestarts) {
        let exit = status[path: ["lastState", "terminated", "exitCode"]]?.intValue.map { ", last exit code \($0)" } ?? ""
        // Restarts after a failing exit are a crash loop, whether the kubelet is backing off or
        // has just started the container again; others (liveness kills, say) are plain restarts.
        let lastExit = status[path: ["lastState", "terminated", "exitCode"]]?.intValue ?? 0
        let reason = waiting == "CrashLoopBackOff" || lastExit != 0 ? "crash-loop" : "restarts"
        let now = waiting ?? (status[path: ["state", "running"]] != nil ? "running again" : "restarting")
        return (reason, "pod \(name) container \(container): \(now), \(restarts) restarts (limit \(maxRestarts))\(exit)")
      }
    }
    return nil
  }

  /// When the pod's containers all run (the model is loading): the readiness window counts from here.
  static func isRunning(_ pod: Value) -> Bool {
    let statuses = pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []
    return !statuses.isEmpty && statuses.allSatisfy { $0[path: ["state", "running"]] != nil }
  }

  /// The scheduler's reason a pod has no node yet, if it said it cannot place it.
  static func unschedulable(_ pod: Value) -> String? {
    guard !PodStatus.isScheduled(pod), let condition = PodStatus.condition(pod, "PodScheduled"),
      condition["status"]?.stringValue == "False", condition["reason"]?.stringValue == "Unschedulable"
    else { return nil }
    return condition["message"]?.stringValue ?? "unschedulable"
  }

  /// `Pending(Unschedulable)`, `pulling`, `loading`, `Ready`, `CrashLoopBackOff` … as the live view shows a pod.
  static func phase(_ pod: Value) -> String {
    if PodStatus.isTerminating(pod) { return "Terminating" }
    if PodStatus.isReady(pod) { return "Ready" }
    if unschedulable(pod) != nil { return "Pending(Unschedulable)" }
    if !PodStatus.isScheduled(pod) { return "Pending" }
    if let (reason, _) = PodStatus.waitingReason(pod) { return reason == "ContainerCreating" ? "pulling" : reason }
    return isRunning(pod) ? "loading" : "starting"
  }
}
