import NIOCore
import NIOPosix

/// The threads a served cluster answers on: its own, not Swift's cooperative pool.
///
/// A real API server is another process and answers whatever its clients are doing. Served in
/// process (tests, `release sim start`), the cluster would otherwise share the cooperative pool
/// — one thread per core — with its callers; a caller that blocks a pool thread (a synchronous
/// `Process` wait, a libgit2 network call, a CPU-bound suite) starves the server, and a client
/// waiting on it times out. Tasks that prefer this executor run here, and so does every default
/// actor they call into, the `KubeSim` among them (SE-0417).
final class ServingThreads: TaskExecutor {
  /// One group for every cluster served by this process: clusters are cheap, threads are not.
  static let shared = ServingThreads(threads: 2)

  private let group: MultiThreadedEventLoopGroup

  private init(threads: Int) {
    group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    group.next().execute { job.runSynchronously(on: executor) }
  }
}
