public import Manifest

/// The Kubernetes API as `release` uses it. Conformed to by the libcurl client (real clusters)
/// and by KubeSim (the simulated cluster); rollout, diff and promotion see only this protocol.
///
/// DRAFT: the KubeSim issue fills in the full verb set (watch, patch types, eviction, ...).
public protocol KubeAPI: Sendable {
  func get(_ id: ResourceID) async throws(KubeError) -> Value
}
