public import Manifest

extension ClusterComparer {
  /// The cluster's side of a comparison: everything `Result` holds but the change set.
  public struct Observation: Sendable {
    /// Rendered objects as they will be applied, in render order, with what is known of each.
    public var desired: [DesiredObject]
    /// Fields the overlay takes over from other managers, per object.
    public var takeovers: [ResourceID: [Takeover]]
    /// Custom resources whose CRD this environment creates: not dry-run yet.
    public var awaitingDefinition: Set<ResourceID>
    public var tracked: [Value]
    /// Kinds of `rendered` and `alsoTracking` the server serves cluster-scoped: where an
    /// object without a namespace stays without one (the rest land in `default`).
    public var clusterScopedKinds: Set<GroupVersionKind> = []
  }
}
