/// Which optional admission plugins the simulated API server runs, as a cluster operator
/// enables them with kube-apiserver's `--enable-admission-plugins`. Off unless a scenario turns
/// them on, as upstream ships them; the default scenario turns on what a managed cloud's GPU
/// node pool relies on.
public struct AdmissionPlugins: Sendable, Equatable {
  /// Pods requesting an extended resource (`nvidia.com/gpu`) tolerate a NoSchedule taint of
  /// the same key, so GPU nodes can be tainted against everything else.
  public var extendedResourceToleration: Bool

  public init(extendedResourceToleration: Bool = false) {
    self.extendedResourceToleration = extendedResourceToleration
  }
}
