import Synchronization

/// A one-way flag set from any thread (a cancelled task, a dropped stream) and polled by
/// the thread running a transfer.
final class CancelFlag: Sendable {
  private let value = Atomic<Bool>(false)
  var isSet: Bool { value.load(ordering: .acquiring) }
  func set() { value.store(true, ordering: .releasing) }
}
