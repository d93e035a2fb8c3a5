public import Manifest

/// Retries what is safe to retry when the API server answers with a transient failure (5xx,
/// 429, a reset connection, a 409 that carries no field-manager conflict), on the injected
/// clock, so a rollout outlives a flaky control plane:
/// - reads, server-side apply, unconditional updates and deletes are idempotent;
/// - a create is retried, and an AlreadyExists after a failed attempt counts as success only
///   when the object found is the one that was sent (the first attempt took effect);
/// - conditional updates (a resourceVersion), other patches and evictions are never retried:
///   repeating them could take effect twice (a second pod's disruption budget, say).
/// A watch stream is returned as is: its consumers reconnect.
public struct TransientRetry: KubeAPI {
  public let base: any KubeAPI
  public let attempts: Int
  private let pause: @Sendable (Duration) async throws -> Void

  public init(_ base: any KubeAPI, clock: any Clock<Duration>, attempts: Int = 5) {
    self.base = base
    self.attempts = attempts
    self.pause = Self.sleeper(clock)
  }

  private static func sleeper<C: Clock<Duration>>(_ clock: C) -> @Sendable (Duration) async throws -> Void {
    { try await clock.sleep(for: $0) }
  }

  static func isTransient(_ error: KubeError) -> Bool {
    switch error {
    case .transport: return true
    case .status(let status):
      if status.code == 429 || (500...599).contains(status.code) { return true }
      // A field-manager conflict is an answer (the dry run's takeovers); a bare one is a race.
      return status.reason == .conflict && (status.details?.causes ?? []).isEmpty
    case .decoding, .configuration: return false
    }
  }

  func retrying<T: Sendable>(_ call: @Sendable () async throws(KubeError) -> T) async throws(KubeError) -> T {
    try await retrying { (_: Int) async throws(KubeError) -> T in try await call() }
  }

  /// `call` gets the attempt number (1 first).
  func retrying<T: Sendable>(_ call: @Sendable (Int) async throws(KubeError) -> T) async throws(KubeError) -> T {
    var delay = Duration.milliseconds(500)
    var attempt = 1
    while true {
      do {
        return try await call(attempt)
      } catch where attempt < attempts && Self.isTransient(error) {
        if case .status(let status) = error, let seconds = status.details?.retryAfterSeconds { delay = .seconds(seconds) }
        do {
          try await pause(delay)
        } catch {
          throw KubeError.transport("cancelled while waiting to retry")
        }
        delay = min(delay * 2, .seconds(8))
        attempt += 1
      }
    }
  }

  public func discovery() async throws(KubeError) -> [APIResourceInfo] { try await retrying { () async throws(KubeError) in try await base.discovery() } }

  public func get(_ id: ResourceID, subresource: String?) async throws(KubeError) -> Value {
    try await retrying { () async throws(KubeError) in try await base.get(id, subresource: subresource) }
  }

  public func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError) -> ObjectList {
    try await retrying { () async throws(KubeError) in try await base.list(gvk, namespace: namespace, options: options) }
  }

  public func watch(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws(KubeError)
    -> AsyncThrowingStream<WatchEvent, any Error>
  {
    try await base.watch(gvk, namespace: namespace, options: options)
  }

  public func create(_ object: Value, options: WriteOptions) async throws(KubeError) -> Value {
    try await retrying { (attempt: Int) async throws(KubeError) -> Value in
      do throws(KubeError) {
        return try await base.create(object, options: options)
      } catch where error.isAlreadyExists && attempt > 1 && !options.dryRun {
        guard let id = object.resourceID, let live = try? await base.get(id, subresource: nil), Self.isSame(live, as: object) else { throw error }
        return live
      }
    }
  }

  /// The fields a create sets that tell one object from another of the same name.
  static func isSame(_ live: Value, as sent: Value) -> Bool {
    ["spec", "data", "stringData", "type"].allSatisfy { key in sent[key] == nil || live[key] == sent[key] }
      && (sent[path: ["metadata", "labels"]] == nil || live[path: ["metadata", "labels"]] == sent[path: ["metadata", "labels"]])
  }

  public func update(_ object: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    guard object[path: ["metadata", "resourceVersion"]] == nil else { return try await base.update(object, subresource: subresource, options: options) }
    return try await retrying { () async throws(KubeError) in try await base.update(object, subresource: subresource, options: options) }
  }

  public func apply(_ object: Value, options: ApplyOptions) async throws(KubeError) -> Value {
    try await retrying { () async throws(KubeError) in try await base.apply(object, options: options) }
  }

  public func patch(_ id: ResourceID, type: PatchType, body: Value, subresource: String?, options: WriteOptions) async throws(KubeError) -> Value {
    try await base.patch(id, type: type, body: body, subresource: subresource, options: options)
  }

  public func delete(_ id: ResourceID, options: DeleteOptions) async throws(KubeError) -> Value? {
    try await retrying { (attempt: Int) async throws(KubeError) -> Value? in
      do throws(KubeError) {
        return try await base.delete(id, options: options)
      } catch where error.isNotFound && attempt > 1 {
        return nil  // an earlier attempt took effect
      }
    }
  }

  public func evict(_ pod: ResourceID, options: DeleteOptions) async throws(KubeError) {
    try await base.evict(pod, options: options)
  }
}
