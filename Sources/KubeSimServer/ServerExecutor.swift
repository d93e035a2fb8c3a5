import NIOCore
import NIOPosix

/// The served cluster's own threads. Everything a request does — reading it, asking the
/// simulation (a default actor runs its jobs on the calling task's preferred executor), encoding
/// the answer, streaming a watch — and the clock's ticks run here, never on the cooperative
/// pool: a test process keeps that pool busy with tests of its own (a 1,000-pod simulation, a
/// kubectl waiting on a pipe), and a server queued behind them answers kubectl too late.
///
/// The sockets stay on NIO's own event loops. A task that sometimes ran on its channel's event
/// loop would write inline there but hop when elsewhere, and NIO's async writer could then put
/// a response's body before its head; on threads of their own, every write hops, in order.
final class ServerExecutor: TaskExecutor {
  static let shared = ServerExecutor(threads: 2)

  let group: MultiThreadedEventLoopGroup

  private init(threads: Int) {
    group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    group.next().execute { job.runSynchronously(on: executor) }
  }
}
