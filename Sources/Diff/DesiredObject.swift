public import Manifest

/// One rendered object with everything known about it in the cluster.
public struct DesiredObject: Sendable {
  /// As it will be applied (tracking label added, replicas left to an HPA).
  public var applied: Value
  /// What the server said the object would become (server-side dry-run apply); nil when it
  /// could not be asked yet (a custom resource whose CRD this apply creates).
  public var predicted: Value?
  public var live: Value?
  /// As the last release applied it, if it did.
  public var lastApplied: Value?
  /// An HorizontalPodAutoscaler scales this workload: its spec.replicas is the HPA's.
  public var replicasOwnedByAutoscaler: Bool
  /// Fields people added by hand that git does not set: removed after the apply.
  public var foreignFields: [(path: FieldPath, manager: String)]
  /// Applying it would change nothing (`NoOpApply`): the apply may skip it.
  public var applyIsNoOp: Bool

  public init(
    applied: Value, predicted: Value?, live: Value?, lastApplied: Value? = nil, replicasOwnedByAutoscaler: Bool = false,
    foreignFields: [(path: FieldPath, manager: String)] = [], applyIsNoOp: Bool = false
  ) {
    self.applyIsNoOp = applyIsNoOp
    self.foreignFields = foreignFields
    self.applied = applied
    self.predicted = predicted
    self.live = live
    self.lastApplied = lastApplied
    self.replicasOwnedByAutoscaler = replicasOwnedByAutoscaler
  }
}
