public import Manifest

/// Where a workload's rollout stands, read from the object alone as `kubectl rollout status`
/// reads it, so the same answer holds against any API server.
public struct WorkloadProgress: Sendable, Equatable {
  public enum State: Sendable, Equatable {
    /// The controller has not yet seen the latest spec (observedGeneration behind generation).
    case notObserved
    case progressing
    case complete
    /// The Deployment's own progress deadline passed (`ProgressDeadlineExceeded`).
    case deadlineExceeded
  }

  public var state: State
  public var desired: Int64
  public var updated: Int64
  public var ready: Int64
  public var available: Int64
  /// Pods of older revisions still counted in status.replicas.
  public var old: Int64
  /// kubectl's wording of what is being waited for, or why it failed.
  public var message: String

  public init(state: State, desired: Int64, updated: Int64, ready: Int64, available: Int64, old: Int64, message: String) {
    self.state = state
    self.desired = desired
    self.updated = updated
    self.ready = ready
    self.available = available
    self.old = old
    self.message = message
  }

  /// Kinds whose rollout this reads; other kinds are done once applied.
  public static func tracks(kind: String, group: String) -> Bool {
    group == "apps" && ["Deployment", "StatefulSet", "DaemonSet"].contains(kind)
  }

  public init(of object: Value) {
    let kind = object["kind"]?.stringValue ?? ""
    let generation = object[path: ["metadata", "generation"]]?.intValue ?? 0
    let observed = object[path: ["status", "observedGeneration"]]?.intValue ?? -1
    let status = object["status"] ?? [:]
    func count(_ key: String) -> Int64 { status[key]?.intValue ?? 0 }
    let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
    let desired: Int64
    let updated: Int64
    switch kind {
    case "DaemonSet":
      desired = count("desiredNumberScheduled")
      updated = count("updatedNumberScheduled")
    default:
      desired = object[path: ["spec", "replicas"]]?.intValue ?? 1
      updated = count("updatedReplicas")
    }
    let ready = kind == "DaemonSet" ? count("numberReady") : count("readyReplicas")
    let available = kind == "DaemonSet" ? count("numberAvailable") : count("availableReplicas")
    let total = kind == "DaemonSet" ? count("currentNumberScheduled") : count("replicas")
    let old = max(0, total - updated)
    func make(_ state: State, _ message: String) -> WorkloadProgress {
      WorkloadProgress(state: state, desired: desired, updated: updated, ready: ready, available: available, old: old, message: message)
    }
    guard observed >= generation else {
      self = make(.notObserved, "waiting for \(kind.lowercased()) \"\(name)\" spec update to be observed")
      return
    }
    let progressing = status["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "Progressing" }
    if progressing?["reason"]?.stringValue == "ProgressDeadlineExceeded" {
      self = make(.deadlineExceeded, "\(kind.lowercased()) \"\(name)\" exceeded its progress deadline")
      return
    }
    if updated < desired {
      self = make(.progressing, "\(updated) out of \(desired) new replicas have been updated")
    } else if old > 0 {
      self = make(.progressing, "\(old) old replicas are pending termination")
    } else if available < updated {
      self = make(.progressing, "\(available) of \(updated) updated replicas are available")
    } else {
      self = make(.complete, "successfully rolled out")
    }
  }
}
