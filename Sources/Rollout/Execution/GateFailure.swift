public import Manifest

/// Why a new version was judged unhealthy: which gate, on which workload, and the evidence
/// (pod and reason, or metric value against its threshold), as exit 3 and the record report it.
public struct GateFailure: Sendable, Hashable, CustomStringConvertible {
  /// `crash-loop`, `image-pull`, `oom-killed`, `restarts`, `readiness`, `progress-deadline`,
  /// `unschedulable`, or a metric gate's name.
  public var gate: String
  public var workload: ResourceID?
  public var evidence: String

  public init(gate: String, workload: ResourceID?, evidence: String) {
    self.gate = gate
    self.workload = workload
    self.evidence = evidence
  }

  public var description: String {
    let on = workload.map { " on deployment \($0.namespace ?? "default")/\($0.name)" } ?? ""
    return "gate \(gate) failed\(on): \(evidence)"
  }
}
