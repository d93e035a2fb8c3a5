internal import Kube
internal import Manifest

/// Waits until something a follower read changes, or until a deadline: one watch per read,
/// each from the resourceVersion the read saw, raced against a sleep; the first change ends
/// the wait and every watch is closed before `wait` returns.
///
/// Watches live for one wait only. The follower then reads afresh, so it judges one
/// consistent reading (as when it polled) and never a cache some watch has not caught up
/// with; and between waits no watch is open, so nothing but the client itself decides when
/// it asks for more. A watch that cannot be opened, fails or ends only leaves the sleep to
/// end the wait: the resync is the fallback.
struct ChangeWait: Sendable {
  /// What one read covered: a kind in a namespace, narrowed by selectors, as of a version.
  struct Read: Sendable, Hashable {
    var gvk: GroupVersionKind
    var namespace: String?
    var labelSelector: String?
    var fieldSelector: String?
    var resourceVersion: String
  }

  enum Outcome: Sendable, Equatable { case changed, timedOut }

  let api: any KubeAPI

  /// Throws `CancellationError` when the task is cancelled.
  func wait(for reads: [Read], upTo timeout: Duration, sleep: @escaping @Sendable (Duration) async throws -> Void) async throws -> Outcome {
    var streams: [AsyncThrowingStream<WatchEvent, any Error>] = []
    for read in reads {
      do {
        streams.append(try await api.watch(
          read.gvk, namespace: read.namespace,
          options: ListOptions(labelSelector: read.labelSelector, fieldSelector: read.fieldSelector, resourceVersion: read.resourceVersion)))
      } catch {
        continue  // Nothing to do about it here: this kind is seen at the resync instead.
      }
    }
    let outcome = await withTaskGroup(of: Outcome?.self) { group in
      for stream in streams {
        group.addTask { await Self.firstChange(in: stream) ? .changed : nil }
      }
      group.addTask {
        do {
          try await sleep(timeout)
          return .timedOut
        } catch {
          return nil
        }
      }
      while let result = await group.next() {
        if let result {
          group.cancelAll()
          return result
        }
      }
      return Outcome.timedOut
    }
    try Task.checkCancellation()
    return outcome
  }

  /// Whether the stream brought a change before it ended; a failure is no change (a broken
  /// watch must not turn into a busy loop of reads).
  static func firstChange(in stream: AsyncThrowingStream<WatchEvent, any Error>) async -> Bool {
    do {
      for try await event in stream {
        switch event.type {
        case .added, .modified, .deleted: return true
        case .bookmark: continue
        case .error: return false
        }
      }
    } catch {
      return false
    }
    return false
  }
}
