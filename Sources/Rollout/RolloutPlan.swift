public import Manifest

/// The rollout `apply` would perform, per Deployment whose pods change: how many pods each
/// step replaces and how, or why no step is safe. Pure data; `release plan` prints it and
/// exits 5 when any Deployment is blocked, before anything is written.
public struct RolloutPlan: Sendable, Hashable {
  /// Free GPUs another Deployment of the same apply takes for its steps.
  public struct Share: Sendable, Hashable {
    public var id: ResourceID
    public var gpus: Int

    public init(id: ResourceID, gpus: Int) {
      self.id = id
      self.gpus = gpus
    }
  }

  public struct Entry: Sendable, Hashable {
    public var id: ResourceID
    public var replicas: Int
    public var replicasFromAutoscaler: Bool
    /// Not running yet: its pods are created, none is replaced, no budget applies.
    public var isNew: Bool
    public var gpusPerPod: Int
    /// The node constraints quoted in messages (`gpu=a100`); nil when any node would do.
    public var constraint: String?
    /// Nodes the new pods can land on, by name.
    public var nodes: [String]
    /// Free GPUs on those nodes left for this Deployment (after Deployments planned before it).
    public var freeGPUs: Int
    /// Free GPUs on its nodes that other Deployments of this apply take for their own steps.
    public var takenByOthers: [Share]
    public var budget: DisruptionBudget
    public var step: RolloutStep
    public var steps: Int
    public var readinessWindow: Duration?
    /// Things worth saying that do not block (downtime accepted, no readinessProbe).
    public var notes: [String]

    /// Steps × the readiness window; nil when blocked or when no probe says how long a pod takes.
    public var eta: Duration? { isBlocked ? nil : readinessWindow.map { $0 * steps } }
    public var isBlocked: Bool { if case .blocked = step { return true } else { return false } }
  }

  public var environment: String
  /// In identity order.
  public var entries: [Entry]

  public init(environment: String, entries: [Entry]) {
    self.environment = environment
    self.entries = entries.sorted { $0.id < $1.id }
  }

  public var isBlocked: Bool { entries.contains(where: \.isBlocked) }

  /// `deployment llm/vllm: <reason>` for each blocked Deployment.
  public var blockedReasons: [String] {
    entries.compactMap { entry in
      guard case .blocked(let reason) = entry.step else { return nil }
      return "deployment \(entry.id.namespace ?? "default")/\(entry.id.name): \(reason)"
    }
  }

  /// The longest Deployment's ETA: they roll at the same time.
  public var eta: Duration? { entries.compactMap(\.eta).max() }
}
