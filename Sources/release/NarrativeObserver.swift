internal import ReleaseKit
internal import Rollout

/// Apply events as stamped lines on stderr: for commands whose stdout carries a report
/// (`drift --correct`), so the rollout's narrative never mixes into the data.
struct NarrativeObserver: ApplyObserver {
  let stopwatch: Stopwatch

  init(clock: any Clock<Duration>) { stopwatch = Stopwatch(clock) }

  func report(_ event: ApplyEvent) async {
    guard let (text, isWarning) = ApplyEventText.line(event) else { return }
    let stamped = "[+\(ApplyEventText.duration(stopwatch.elapsed))] \(text)"
    if isWarning { Console.warning(stamped) } else { Console.note(stamped) }
  }
}
