/// Renews the environment's lock when a renewal is due; called between an apply's steps.
actor LeaseHeartbeat {
  let lock: EnvironmentLock
  let every: Duration
  let stopwatch: Stopwatch
  let observer: any ApplyObserver
  private var lastRenewal: Duration = .zero

  init(lock: EnvironmentLock, every: Duration, clock: any Clock<Duration>, observer: any ApplyObserver) {
    self.lock = lock
    self.every = every
    self.stopwatch = Stopwatch(clock)
    self.observer = observer
  }

  func beat() async {
    let now = stopwatch.elapsed
    guard now - lastRenewal >= every else { return }
    lastRenewal = now
    do {
      try await lock.renew()
    } catch {
      await observer.report(.warning("renewing the lock failed: \(error)"))
    }
  }
}
