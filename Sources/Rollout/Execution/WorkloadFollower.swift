internal import EnvironmentRepo
internal import Kube
internal import Manifest

/// One workload's rollout as the executor follows it from reading to reading: what it has seen
/// of each new pod (when it started loading), the step in force, whether it is done, and what
/// its last reading covered (so the executor can watch for the next change).
struct WorkloadFollower: Sendable {
  enum Outcome: Sendable {
    case waiting(RolloutProgress?)
    /// A surge pod cannot be placed: switch to this step, for this reason (the scheduler's).
    case replan(RolloutStep, String)
    case done
    case failed(GateFailure)
  }

  var workload: RolloutExecutor.Workload
  var step: RolloutStep
  var done = false
  let maxRestarts: Int
  let grace: Duration
  let window: Duration?
  /// When each new pod was first seen running but not ready.
  private var loadingSince: [String: Duration] = [:]
  private var lastReport: (RolloutProgress, Duration)?
  /// What the last `poll` read, for the watches that wait for its next change.
  private(set) var reads: [ChangeWait.Read] = []
  /// When a pod now loading would fail the readiness gate (elapsed time): time alone brings
  /// that verdict, so no watch would.
  private(set) var nextDeadline: Duration?

  init(workload: RolloutExecutor.Workload, policy: RolloutConfig) {
    self.workload = workload
    self.step = workload.entry?.step ?? .nothing
    self.maxRestarts = policy.maxRestarts
    self.grace = .seconds(policy.readinessGraceSeconds)
    self.window = workload.entry?.readinessWindow ?? ReadinessWindow.of(podTemplate: workload.desired[path: ["spec", "template"]] ?? [:])
  }

  mutating func poll(api: any KubeAPI, at elapsed: Duration) async throws(RolloutError) -> Outcome {
    let id = workload.id
    let object: Value
    do {
      object = try await api.get(id)
    } catch {
      throw RolloutError.api(error, doing: "reading \(id) while it rolls out")
    }
    // A watch without a version would start with every object as new: no version, no watch.
    reads = (object[path: ["metadata", "resourceVersion"]]?.stringValue).map { version in
      [ChangeWait.Read(gvk: id.gvk, namespace: id.namespace, fieldSelector: "metadata.name=\(id.name)", resourceVersion: version)]
    } ?? []
    nextDeadline = nil
    let progress = WorkloadProgress(of: object)
    let deadline = GateFailure(
      gate: "progress-deadline", workload: id, evidence: "\(progress.message) (\(progress.available) of \(progress.desired) available)")
    guard id.gvk.group == "apps", id.gvk.kind == "Deployment" else {
      if progress.state == .deadlineExceeded { return .failed(deadline) }
      if progress.state == .complete { done = true; return .done }
      return .waiting(nil)
    }
    let pods: DeploymentPods
    do {
      pods = try await DeploymentPods.read(object, api: api)
    } catch {
      throw RolloutError.api(error, doing: "reading the pods of \(id)")
    }
    if let podRead = pods.podRead { reads.append(podRead) }
    let fresh = pods.new.filter(PodStatus.isActive)
    var views: [RolloutProgress.Pod] = []
    for pod in fresh {
      let name = pod.name ?? "?"
      if let (gate, evidence) = PodHealth.failure(of: pod, maxRestarts: maxRestarts) {
        return .failed(GateFailure(gate: gate, workload: id, evidence: evidence))
      }
      var loading: Int?
      if PodHealth.isRunning(pod) && !PodStatus.isReady(pod) {
        let since = loadingSince[name] ?? elapsed
        loadingSince[name] = since
        loading = Int((elapsed - since).components.seconds)
        let limit = (window ?? .zero) + grace
        nextDeadline = min(nextDeadline ?? since + limit, since + limit)
        if elapsed - since >= limit {
          return .failed(GateFailure(
            gate: "readiness", workload: id,
            evidence: "pod \(name) has run \(loading ?? 0) s without becoming ready (readiness window "
              + "\((window ?? .zero).components.seconds) s + grace \(grace.components.seconds) s)"))
        }
      }
      views.append(RolloutProgress.Pod(name: name, phase: PodHealth.phase(pod), loadingSeconds: loading, windowSeconds: window.map { Int($0.components.seconds) }))
    }
    // After the pods: a crash loop is better evidence than the deadline it made the Deployment miss.
    if progress.state == .deadlineExceeded { return .failed(deadline) }
    // A pod beyond the replica count is a surge pod; one that cannot be placed while no old pod
    // is on its way out (a terminating pod still holds its GPU) will not be placed by waiting.
    let active = fresh.count + pods.old.filter(PodStatus.isActive).count
    let leaving = pods.old.contains(where: PodStatus.isTerminating)
    if case .surge = step, active > Int(progress.desired), !leaving,
      let (pod, reason) = fresh.lazy.compactMap({ p in PodHealth.unschedulable(p).map { (p.name ?? "?", $0) } }).first
    {
      // The plan's budget was counted at the plan's replicas. An HPA that scaled down since
      // shrinks what the PDB allows; one that scaled up grows it, which the next plan uses.
      let planned = workload.entry?.budget
      let delta = Int(progress.desired) - (planned?.replicas ?? Int(progress.desired))
      let allowed = planned.map { min($0.allowed, $0.pdbAllowed(afterScalingBy: delta) ?? Int.max) } ?? 0
      guard allowed > 0 else {
        let budget = workload.entry?.budget.summary ?? "no disruption budget known"
        return .failed(GateFailure(
          gate: "unschedulable", workload: id,
          evidence: "surge pod \(pod) cannot be placed (\(reason)) and \(budget) leaves no in-place step"))
      }
      return .replan(.inPlace(allowed), "surge pod \(pod) cannot be placed: \(reason)")
    }
    if progress.state == .complete && pods.newHash != nil {
      done = true
      return .done
    }
    let ready = fresh.filter(PodStatus.isReady).count
    let perStep = max(1, step.pods)
    let replicas = Int(progress.desired)
    let steps = max(1, (replicas + perStep - 1) / perStep)
    let stepsDone = min(steps, ready / perStep)
    let inStep = views.compactMap(\.loadingSeconds).max().map { Duration.seconds($0) } ?? .zero
    let eta = window.map { max(.zero, $0 * (steps - stepsDone) - inStep) }
    return .waiting(RolloutProgress(
      desired: replicas, newReady: ready, available: Int(progress.available), oldPods: pods.old.filter(PodStatus.isActive).count,
      stepsDone: stepsDone, steps: steps, pods: views, eta: eta))
  }

  mutating func shouldReport(_ report: RolloutProgress, at elapsed: Duration, every interval: Duration) -> Bool {
    if let (last, when) = lastReport, last.sameState(as: report), elapsed - when < interval { return false }
    lastReport = (report, elapsed)
    return true
  }
}
