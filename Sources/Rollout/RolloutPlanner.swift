internal import Manifest

/// Chooses each changed Deployment's safe step, purely from values:
///
/// 1. **Surge** into free GPUs on nodes its pods can land on, up to the strategy's maxSurge:
///    availability never drops.
/// 2. Otherwise **replace in place** as many pods per step as the disruption budget allows
///    (the stricter of its PDBs and its strategy, less pods already unavailable).
/// 3. Otherwise **blocked**, with the numbers and what would unblock it.
///
/// A single replica has no in-place step that keeps it serving: it needs a free GPU, or
/// `allowDowntime`. All changed Deployments roll at the same time (apply writes them all, then
/// waits), so they share the free GPUs: each GPU a surge takes is gone for the next, and those
/// with no in-place fallback (single replica, a budget of zero, a new Deployment) choose first.
/// The new version must also fit for good: its pods need GPUs on matching nodes, free or freed
/// by its own old pods there, or the rollout would stall part-way (a nodeSelector moved to
/// other nodes, say).
public struct RolloutPlanner: Sendable {
  public var allowDowntime: Bool

  public init(allowDowntime: Bool = false) {
    self.allowDowntime = allowDowntime
  }

  public func plan(environment: String, candidates: [RolloutCandidate], cluster: ClusterSnapshot) -> RolloutPlan {
    var capacity = GPUCapacity(nodes: cluster.nodes, pods: cluster.pods)
    let prepared = candidates.map { ($0, Self.budget(for: $0, cluster: cluster)) }
    let ordered = prepared.sorted { a, b in
      let (ra, rb) = (needsFreeGPU(a.0, a.1) ? 0 : 1, needsFreeGPU(b.0, b.1) ? 0 : 1)
      return ra != rb ? ra < rb : a.0.id < b.0.id
    }
    var taken: [(id: ResourceID, gpus: [String: Int])] = []
    var entries: [RolloutPlan.Entry] = []
    for (candidate, budget) in ordered {
      entries.append(entry(candidate, budget: budget, capacity: &capacity, taken: &taken))
    }
    return RolloutPlan(environment: environment, entries: entries)
  }

  /// The PDBs that will cover the new pods, each with its healthy pods now.
  public static func budget(for candidate: RolloutCandidate, cluster: ClusterSnapshot) -> DisruptionBudget {
    let namespace = candidate.id.namespace ?? "default"
    let limits = cluster.budgets.filter { $0.covers(namespace: namespace, labels: candidate.podLabels) }.map { rule in
      DisruptionBudget.Limit(
        rule: rule, expected: candidate.replicas,
        healthy: cluster.pods.filter { $0.serving && rule.covers(namespace: $0.namespace, labels: $0.labels) }.count)
    }
    return DisruptionBudget(
      replicas: candidate.replicas, ready: candidate.current.filter(\.ready).count, strategy: candidate.strategy, pdbs: limits)
  }

  func needsFreeGPU(_ candidate: RolloutCandidate, _ budget: DisruptionBudget) -> Bool {
    guard candidate.placement.gpusPerPod > 0, candidate.replicas > 0 else { return false }
    if candidate.isNew { return true }
    return candidate.replicas == 1 ? !allowDowntime : budget.allowed == 0
  }

  func entry(
    _ candidate: RolloutCandidate, budget: DisruptionBudget, capacity: inout GPUCapacity, taken: inout [(id: ResourceID, gpus: [String: Int])]
  ) -> RolloutPlan.Entry {
    let placement = candidate.placement
    let gpus = placement.gpusPerPod
    let replicas = candidate.replicas
    let nodes = capacity.nodes(for: placement).map(\.name)
    let free = capacity.freeGPUs(for: placement)
    let slots = capacity.podSlots(for: placement)
    let shares = taken.compactMap { share -> RolloutPlan.Share? in
      let onOurs = nodes.reduce(0) { $0 + (share.gpus[$1] ?? 0) }
      return onOurs > 0 ? RolloutPlan.Share(id: share.id, gpus: onOurs) : nil
    }
    var notes: [String] = []
    if candidate.readinessWindow == nil && replicas > 0 {
      notes.append("no readinessProbe: a pod counts as ready once it runs, and the ETA is unknown")
    }
    func make(_ step: RolloutStep, steps: Int) -> RolloutPlan.Entry {
      RolloutPlan.Entry(
        id: candidate.id, replicas: replicas, replicasFromAutoscaler: candidate.replicasFromAutoscaler, isNew: candidate.isNew,
        gpusPerPod: gpus,
        constraint: placement.constraint, nodes: nodes, freeGPUs: free, takenByOthers: shares, budget: budget, step: step, steps: steps,
        readinessWindow: candidate.readinessWindow, notes: notes)
    }
    func take(_ pods: Int) {
      guard pods > 0, gpus > 0 else { return }
      let before = capacity.free
      capacity.reserve(pods, for: placement)
      var used: [String: Int] = [:]
      for (node, count) in before where (capacity.free[node] ?? 0) < count { used[node] = count - (capacity.free[node] ?? 0) }
      taken.append((candidate.id, used))
    }
    let room = Self.room(free: free, placement: placement, nodes: nodes, shares: shares)

    if replicas <= 0 { return make(.nothing, steps: 0) }
    if candidate.isNew {
      guard gpus == 0 || slots >= replicas else {
        return make(.blocked(
          "\(Self.pods(replicas)) of a new Deployment \(replicas == 1 ? "needs" : "need") \(Self.gpuCount(replicas * gpus)); \(room) — free "
            + "\(Self.gpuCount((replicas - slots) * gpus, one: true)) or lower replicas"), steps: 0)
      }
      take(replicas)
      return make(.create(replicas), steps: 1)
    }

    // GPUs its own old pods give back, on nodes the new pods can use.
    var releasing: [String: Int] = [:]
    for pod in candidate.current where pod.gpus > 0 {
      if let node = pod.nodeName, nodes.contains(node) { releasing[node, default: 0] += pod.gpus }
    }
    var fresh = 0
    if gpus > 0 {
      let fits = capacity.podSlots(for: placement, releasing: releasing)
      guard fits >= replicas else {
        let held = releasing.values.reduce(0, +)
        return make(.blocked(
          "\(Self.pods(replicas)) \(replicas == 1 ? "needs" : "need") \(Self.gpuCount(replicas * gpus)) on nodes \(placement.constraint.map { "matching \($0)" } ?? "they can land on"): "
            + "\(free) free\(Self.others(shares)) and \(held) held by its own pods there — free "
            + "\(Self.gpuCount((replicas - fits) * gpus, one: true)) there or change where the pods may run"), steps: 0)
      }
      // Pods the old ones' GPUs cannot house: they keep GPUs that are free today.
      fresh = max(0, replicas - releasing.values.reduce(0) { $0 + $1 / gpus })
    }

    let surge = min(candidate.strategy.surge(replicas: replicas), slots)
    if surge > 0 {
      take(max(surge, fresh))
      return make(.surge(surge), steps: Self.ceilDiv(replicas, surge))
    }
    let surgeRemedy =
      candidate.strategy.surge(replicas: replicas) == 0
      ? "allow a surge (maxSurge 1)" + (gpus > 0 && slots == 0 ? " and free \(Self.gpuCount(gpus, one: true))" : "")
      : "free \(Self.gpuCount(gpus, one: true))"
    if replicas == 1 {
      guard allowDowntime else {
        return make(.blocked(
          "1 replica and \(room): no PDB-safe in-place step (replacing the only pod takes the service down) — "
            + "\(surgeRemedy) or pass --allow-downtime"), steps: 0)
      }
      notes.append("downtime: the only replica is replaced in place (--allow-downtime), whatever its PDB says")
      take(fresh)
      return make(.inPlace(1), steps: 1)
    }
    let inPlace = budget.allowed
    guard inPlace > 0 else {
      return make(.blocked("\(room); \(budget.summary): no safe step — \(surgeRemedy) or \(budget.remedy)"), steps: 0)
    }
    take(fresh)
    return make(.inPlace(inPlace), steps: Self.ceilDiv(replicas, inPlace))
  }

  /// `0 free GPUs on nodes matching gpu=a100 (1 taken by llm/embed)`.
  static func room(free: Int, placement: PodPlacement, nodes: [String], shares: [RolloutPlan.Share]) -> String {
    let place = placement.constraint.map { "on nodes matching \($0)" }
      ?? (nodes.isEmpty ? "(no node its pods can land on)" : "on the \(nodes.count) node\(nodes.count == 1 ? "" : "s") its pods can land on")
    return "\(free) free GPU\(free == 1 ? "" : "s") \(place)" + others(shares)
  }

  static func others(_ shares: [RolloutPlan.Share]) -> String {
    guard !shares.isEmpty else { return "" }
    return " (" + shares.map { "\($0.gpus) taken by \($0.id.namespace ?? "default")/\($0.id.name)" }.joined(separator: ", ") + ")"
  }

  static func gpuCount(_ n: Int, one: Bool = false) -> String {
    n == 1 ? (one ? "one GPU" : "1 GPU") : "\(n) GPUs"
  }

  static func pods(_ n: Int) -> String { n == 1 ? "1 pod" : "\(n) pods" }

  static func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
}
