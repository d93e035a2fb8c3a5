public import Manifest

/// What the kubelets' resource metrics would report at one virtual instant, as metrics-server
/// serves them under `metrics.k8s.io` (`kubectl top`): CPU in cores and memory in bytes per
/// running container, and per node the sum over its pods.
public struct ResourceUsage: Sendable, Equatable {
  public struct Container: Sendable, Equatable {
    public var name: String
    public var cpuCores: Double
    public var memoryBytes: Double
  }

  public struct Pod: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var labels: Value
    public var containers: [Container]
  }

  public struct Node: Sendable, Equatable {
    public var name: String
    public var labels: Value
    public var cpuCores: Double
    public var memoryBytes: Double
  }

  public var timestamp: SimInstant
  /// Ordered by namespace and name.
  public var pods: [Pod]
  /// Ordered by name.
  public var nodes: [Node]
}
