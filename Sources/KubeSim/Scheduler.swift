internal import Kube
import Manifest

/// The default scheduler's filter step for the pods a rollout creates, in upstream's plugin
/// order: cordoned nodes (NodeUnschedulable), taints vs tolerations (TaintToleration),
/// nodeSelector and required node affinity (NodeAffinity), then resource requests (cpu,
/// memory, and extended resources such as `nvidia.com/gpu`, NodeResourcesFit). A node fails at
/// its first failing plugin. A pod that fits nowhere stays Pending with PodScheduled=False/
/// Unschedulable and upstream's message, preemption's verdict included, e.g.
/// "0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are
/// available: 3 No preemption victims found for incoming pod.." (the doubled period is
/// upstream's), and a FailedScheduling event.
extension SimCluster {
  /// Why a node cannot take a pod: the failing plugin's reasons, and whether evicting pods
  /// could change that (upstream's Unschedulable vs UnschedulableAndUnresolvable).
  struct FilterFailure {
    var reasons: [String]
    var unresolvable: Bool
  }

  mutating func runScheduler() {
    let nodes = api.store.list(Self.gvkNode)
    var used: [String: [String: Double]] = [:]
    var podCount: [String: Double] = [:]
    let pods = api.store.list(Self.gvkPod)
    for pod in pods {
      guard let node = pod[path: ["spec", "nodeName"]]?.stringValue else { continue }
      let phase = pod[path: ["status", "phase"]]?.stringValue
      if phase == "Succeeded" || phase == "Failed" { continue }
      for (resource, amount) in PodStatus.requests(pod) { used[node, default: [:]][resource, default: 0] += amount }
      podCount[node, default: 0] += 1
    }
    // Oldest first, then by name: upstream's queue is FIFO by creation.
    let pending = pods.filter { !PodStatus.isScheduled($0) && !$0.isTerminating }.sorted {
      ($0[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", $0.name ?? "")
        < ($1[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", $1.name ?? "")
    }
    for pod in pending {
      let requests = PodStatus.requests(pod)
      var failures: [FilterFailure] = []
      var fitting: [(node: Value, gpuUsed: Double)] = []
      for node in nodes {
        let name = node.name ?? ""
        if let failure = filter(pod, node: node, requests: requests, used: used[name] ?? [:], pods: podCount[name] ?? 0) {
          failures.append(failure)
        } else {
          fitting.append((node, used[name]?["nvidia.com/gpu"] ?? 0))
        }
      }
      if let choice = fitting.min(by: { ($0.gpuUsed, $0.node.name ?? "") < ($1.gpuUsed, $1.node.name ?? "") }) {
        let nodeName = choice.node.name ?? ""
        bind(pod, to: nodeName)
        for (resource, amount) in requests { used[nodeName, default: [:]][resource, default: 0] += amount }
        podCount[nodeName, default: 0] += 1
      } else {
        markUnschedulable(pod, message: Self.fitErrorMessage(nodeCount: nodes.count, failures: failures))
      }
    }
  }

  /// Upstream's FitError text: the filter reasons counted across nodes, sorted as strings,
  /// then DefaultPreemption's own FitError. Every pod here has the same priority, so no node
  /// offers a victim: a node whose failure preemption could help reports "No preemption
  /// victims found", the others "Preemption is not helpful for scheduling".
  static func fitErrorMessage(nodeCount: Int, failures: [FilterFailure]) -> String {
    func histogram(_ reasons: [String]) -> String {
      var counts: [String: Int] = [:]
      for reason in reasons { counts[reason, default: 0] += 1 }
      return counts.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", ")
    }
    let filterReasons = histogram(failures.flatMap(\.reasons))
    let preemption = histogram(failures.map {
      $0.unresolvable ? "Preemption is not helpful for scheduling" : "No preemption victims found for incoming pod"
    })
    let preemptionError = "0/\(nodeCount) nodes are available: \(preemption)."
    return "0/\(nodeCount) nodes are available: \(filterReasons). preemption: \(preemptionError)."
  }

  /// Why `node` cannot take `pod`, or nil. Resource shortages are all reported at once, as
  /// upstream's NodeResourcesFit does.
  private func filter(_ pod: Value, node: Value, requests: [String: Double], used: [String: Double], pods: Double) -> FilterFailure? {
    let tolerations = pod[path: ["spec", "tolerations"]]?.arrayValue ?? []
    if node[path: ["spec", "unschedulable"]]?.boolValue == true {
      let cordon: Value = ["key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"]
      if !tolerations.contains(where: { Self.tolerates($0, cordon) }) {
        return FilterFailure(reasons: ["node(s) were unschedulable"], unresolvable: true)
      }
    }
    for taint in node[path: ["spec", "taints"]]?.arrayValue ?? [] {
      let effect = taint["effect"]?.stringValue ?? ""
      guard effect == "NoSchedule" || effect == "NoExecute" else { continue }
      if !tolerations.contains(where: { Self.tolerates($0, taint) }) {
        // Upstream prints `{key: value}` whether or not the taint has a value.
        let key = taint["key"]?.stringValue ?? ""
        let value = taint["value"]?.stringValue ?? ""
        return FilterFailure(reasons: ["node(s) had untolerated taint {\(key): \(value)}"], unresolvable: true)
      }
    }
    let labels = node.labelStrings
    let affinity = FilterFailure(reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true)
    for (key, value) in pod[path: ["spec", "nodeSelector"]]?.objectValue ?? [:] where labels[key] != value.stringValue {
      return affinity
    }
    if let terms = pod[path: ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]]?.arrayValue,
      !terms.isEmpty, !terms.contains(where: { LabelSelection.nodeSelectorTerm($0, matches: labels) })
    {
      return affinity
    }
    var insufficient: [String] = []
    var unresolvable = false
    let allocatable = node[path: ["status", "allocatable"]]?.objectValue ?? [:]
    if pods + 1 > (allocatable["pods"].flatMap(Quantity.init)?.value ?? 110) { insufficient.append("Too many pods") }
    for (resource, amount) in requests.sorted(by: { $0.key < $1.key }) where amount > 0 {
      let capacity = allocatable[resource].flatMap(Quantity.init)?.value ?? 0
      if (used[resource] ?? 0) + amount > capacity + 1e-9 {
        insufficient.append("Insufficient \(resource)")
        // More than the whole node has: no eviction could make room.
        if amount > capacity + 1e-9 { unresolvable = true }
      }
    }
    return insufficient.isEmpty ? nil : FilterFailure(reasons: insufficient, unresolvable: unresolvable)
  }

  static func tolerates(_ toleration: Value, _ taint: Value) -> Bool {
    let effect = toleration["effect"]?.stringValue
    if let effect, !effect.isEmpty, effect != taint["effect"]?.stringValue { return false }
    let op = toleration["operator"]?.stringValue ?? "Equal"
    let key = toleration["key"]?.stringValue ?? ""
    if op == "Exists" { return key.isEmpty || key == taint["key"]?.stringValue }
    return key == taint["key"]?.stringValue && (toleration["value"]?.stringValue ?? "") == (taint["value"]?.stringValue ?? "")
  }

  private mutating func bind(_ pod: Value, to node: String) {
    var bound = pod
    bound[path: ["spec", "nodeName"]] = .string(node)
    guard let stored = write(bound, manager: "default-scheduler") else { return }
    var withStatus = stored
    withStatus[path: ["status", "phase"]] = "Pending"
    withStatus[path: ["status", "conditions"]] = [["type": "PodScheduled", "status": "True", "lastTransitionTime": .string(now.rfc3339)]]
    writeStatus(withStatus, manager: "default-scheduler")
    schedulingMessages[pod.uid ?? ""] = nil
    trace.record(.scheduled, stored, at: now, node)
    recordEvent(
      stored, reason: "Scheduled", message: "Successfully assigned \(pod.namespace ?? "")/\(pod.name ?? "") to \(node)",
      component: "default-scheduler", action: "Binding")
  }

  /// Upstream retries an unschedulable pod at the latest every five minutes
  /// (podMaxInUnschedulablePodsDuration); each failed attempt reports FailedScheduling again.
  static let unschedulableRetry: Duration = .seconds(300)

  private mutating func markUnschedulable(_ pod: Value, message: String) {
    let uid = pod.uid ?? ""
    if let last = schedulingMessages[uid], last.message == message {
      let retry = last.at.advanced(by: Self.unschedulableRetry)
      guard retry <= now else {
        wake(at: retry)
        return
      }
      schedulingMessages[uid] = (message, now)
      wake(at: now.advanced(by: Self.unschedulableRetry))
      recordEvent(pod, type: "Warning", reason: "FailedScheduling", message: message, component: "default-scheduler", action: "Scheduling")
      return
    }
    schedulingMessages[uid] = (message, now)
    wake(at: now.advanced(by: Self.unschedulableRetry))
    var updated = pod
    updated[path: ["status", "phase"]] = "Pending"
    updated[path: ["status", "conditions"]] = [[
      "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": .string(message),
      "lastTransitionTime": .string(now.rfc3339),
    ]]
    writeStatus(updated, manager: "default-scheduler")
    trace.record(.unschedulable, pod, at: now, message)
    recordEvent(pod, type: "Warning", reason: "FailedScheduling", message: message, component: "default-scheduler", action: "Scheduling")
  }
}
