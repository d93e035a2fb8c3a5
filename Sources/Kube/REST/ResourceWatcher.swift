public import Manifest

/// List-then-watch over any `KubeAPI` (a reflector): lists the objects, watches from the
/// list's resourceVersion, resumes the watch from the last version seen when it ends or
/// fails, and lists again when the server says that version is gone (410). Works the same
/// against KubeSim and the REST client, so rollout code written on it runs on both.
public struct ResourceWatcher: Sendable {
  public enum Event: Sendable, Hashable {
    /// Every object that exists now, after the first list and after each relist: it
    /// replaces whatever the consumer knew.
    case synced([Value])
    case added(Value)
    case modified(Value)
    case deleted(Value)
  }

  public let api: any KubeAPI
  public let gvk: GroupVersionKind
  public let namespace: String?
  public var labelSelector: String?
  public var fieldSelector: String?
  /// Page size of each (re)list; nil lists in one response.
  public var pageSize: Int?
  /// Backoff between failed attempts; `maxAttempts` failures in a row end the stream.
  public var retry: RetryPolicy
  let clock: any Clock<Duration>

  public init(
    api: any KubeAPI, gvk: GroupVersionKind, namespace: String? = nil, labelSelector: String? = nil,
    fieldSelector: String? = nil, pageSize: Int? = 500, retry: RetryPolicy = RetryPolicy(),
    clock: any Clock<Duration> = ContinuousClock()
  ) {
    self.api = api
    self.gvk = gvk
    self.namespace = namespace
    self.labelSelector = labelSelector
    self.fieldSelector = fieldSelector
    self.pageSize = pageSize
    self.retry = retry
    self.clock = clock
  }

  /// Starts with `.synced`; ends only with an error that retrying did not cure, or when the
  /// consumer stops iterating.
  public func events() -> AsyncThrowingStream<Event, any Error> {
    let state = ReflectorState(watcher: self)
    return AsyncThrowingStream { try await state.next() }
  }

  func listAll() async throws(KubeError) -> ObjectList {
    var items: [Value] = []
    var token: String?
    while true {
      let page = try await api.list(
        gvk, namespace: namespace,
        options: ListOptions(
          labelSelector: labelSelector, fieldSelector: fieldSelector, limit: pageSize, continueToken: token))
      items += page.items
      token = page.continueToken
      if token == nil { return ObjectList(items: items, resourceVersion: page.resourceVersion) }
    }
  }
}

/// The reflector's position: the version to resume from and the open watch. Pulled by one
/// consumer at a time.
final class ReflectorState: @unchecked Sendable {
  private let watcher: ResourceWatcher
  private var resourceVersion: String?
  private var events: AsyncThrowingStream<WatchEvent, any Error>.AsyncIterator?
  private var failures = 0
  private let jitter = JitterSource(seed: 0x7E1157)

  init(watcher: ResourceWatcher) { self.watcher = watcher }

  func next() async throws -> ResourceWatcher.Event? {
    while !Task.isCancelled {
      guard let version = resourceVersion else {
        if let list = try await attempt({ () throws(KubeError) in try await watcher.listAll() }) {
          resourceVersion = list.resourceVersion
          return .synced(list.items)
        }
        continue
      }
      guard var iterator = events else {
        let options = ListOptions(
          labelSelector: watcher.labelSelector, fieldSelector: watcher.fieldSelector, resourceVersion: version,
          allowWatchBookmarks: true)
        let api = watcher.api
        let gvk = watcher.gvk
        let namespace = watcher.namespace
        if let stream = try await attempt({ () throws(KubeError) in
          try await api.watch(gvk, namespace: namespace, options: options)
        }) {
          events = stream.makeAsyncIterator()
        }
        continue
      }
      let event: WatchEvent?
      do {
        event = try await iterator.next()
      } catch {
        events = nil
        try await recover(from: error)
        continue
      }
      guard let event else {
        // The watch ended (or the task was cancelled): resume from where it got to.
        events = nil
        continue
      }
      events = iterator
      failures = 0
      if let seen = event.object[path: ["metadata", "resourceVersion"]]?.stringValue, !seen.isEmpty {
        resourceVersion = seen
      }
      switch event.type {
      case .added: return .added(event.object)
      case .modified: return .modified(event.object)
      case .deleted: return .deleted(event.object)
      case .bookmark: continue
      case .error:
        events = nil
        let status = StatusDecoding.status(from: event.object) ?? StatusDecoding.genericStatus(code: 500)
        try await recover(from: KubeError.status(status))
      }
    }
    return nil
  }

  /// Runs one list or watch call; nil when it failed in a way worth retrying.
  private func attempt<T>(_ call: () async throws(KubeError) -> T) async throws -> T? {
    do {
      return try await call()
    } catch {
      try await recover(from: error)
      return nil
    }
  }

  /// 410: forget the version so the next round relists. Anything else: back off, and give
  /// up after the policy's attempts.
  private func recover(from error: any Error) async throws {
    if let kube = error as? KubeError, kube.isGone {
      resourceVersion = nil
      events = nil
      return
    }
    failures += 1
    guard failures < watcher.retry.maxAttempts else { throw error }
    try await watcher.clock.sleep(for: watcher.retry.backoff(attempt: failures, random: jitter.next()))
  }
}
