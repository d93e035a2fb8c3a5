public import Manifest

/// The Kubernetes API as `release` uses it. Conformed to by the simulated cluster (KubeSim)
/// and, later, by the libcurl client for real clusters; rollout, diff and promotion see only
/// this protocol, so what passes against the simulation holds against an API server.
public protocol KubeAPI: Sendable {
  /// The resource types the server serves (group, version, kind, plural, scope, verbs).
  func discovery() async throws(KubeError) -> [APIResourceInfo]
  /// `subresource`: nil, "status" or "scale".
  func get(_ id: ResourceID, subresource: String?) async throws(KubeError) -> Value
  func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError) -> ObjectList
  /// Events after `options.resourceVersion` (or from now); 410 Gone when that version is too old.
  func watch(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError)
    -> AsyncThrowingStream<WatchEvent, any Error>
  func create(_ object: Value, options: WriteOptions) async throws(KubeError) -> Value
  func update(_ object: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value
  /// Server-side apply (`application/apply-patch+yaml`).
  func apply(_ object: Value, options: ApplyOptions) async throws(KubeError) -> Value
  func patch(_ id: ResourceID, type: PatchType, body: Value, subresource: String?, options: WriteOptions)
    async throws(KubeError) -> Value
  /// The object as it stands after the call: still present with a deletionTimestamp while
  /// finalizers or graceful termination hold it, or as last stored when removed at once.
  func delete(_ id: ResourceID, options: DeleteOptions) async throws(KubeError) -> Value?
  /// `policy/v1` Eviction of a pod: 429 when a PodDisruptionBudget forbids it.
  func evict(_ pod: ResourceID, options: DeleteOptions) async throws(KubeError)
}

extension KubeAPI {
  public func get(_ id: ResourceID) async throws(KubeError) -> Value { try await get(id, subresource: nil) }
  public func list(_ gvk: GroupVersionKind, namespace: String? = nil) async throws(KubeError) -> ObjectList {
    try await list(gvk, namespace: namespace, options: ListOptions())
  }
}
