internal import Foundation
internal import Manifest
internal import ReleaseKit
internal import Rollout

/// Prints apply events as they come, on the cluster's clock (virtual on the embedded cluster):
/// - piped: one line per event, stamped `[+4m30s]`;
/// - on a terminal: the same lines, with each rolling Deployment's pods redrawn in place below
///   them (Pending → pulling → loading t/330s → Ready) instead of a new line per poll;
/// - `-o json`: one JSON object per event and line on stdout.
final class PrintingObserver: ApplyObserver, @unchecked Sendable {
  enum Mode { case lines, live, json }

  private let mode: Mode
  private let stopwatch: Stopwatch
  // Guards the live block: events arrive from the apply's task, one at a time, but the
  // protocol allows concurrent reporters.
  private let lock = NSLock()
  private var block: [String] = []

  init(mode: Mode, clock: any Clock<Duration>) {
    self.mode = mode
    self.stopwatch = Stopwatch(clock)
  }

  /// `json` when asked, `live` on a terminal, else `lines`.
  static func mode(json: Bool) -> Mode { json ? .json : (Console.stdoutIsTerminal ? .live : .lines) }

  func report(_ event: ApplyEvent) async {
    let elapsed = stopwatch.elapsed
    switch mode {
    case .json:
      Console.progress(JSON.string(ApplyEventJSON.value(event, elapsed: elapsed)))
    case .lines:
      guard let (text, isWarning) = ApplyEventText.line(event) else { return }
      let stamped = "[+\(ApplyEventText.duration(elapsed))] \(text)"
      if isWarning { Console.warning(stamped) } else { Console.progress(stamped) }
    case .live:
      lock.withLock { draw(event, elapsed: elapsed) }
    }
  }

  private func draw(_ event: ApplyEvent, elapsed: Duration) {
    var out = String(repeating: "\u{1B}[1A\u{1B}[2K", count: block.count)
    if case .rolloutProgress(let id, let progress) = event {
      block = ["\(id.gvk.kind.lowercased())/\(id.name): step \(min(progress.stepsDone + 1, progress.steps))/\(progress.steps), "
        + "\(progress.newReady)/\(progress.desired) new ready, \(progress.available) available"
        + (progress.eta.map { ", ETA \(ApplyEventText.duration($0))" } ?? "") + "  [+\(ApplyEventText.duration(elapsed))]"]
        + progress.pods.map { pod in
          "  \(pod.name)  \(pod.phase)" + (pod.loadingSeconds.map { " \($0)/\(pod.windowSeconds.map(String.init) ?? "?") s" } ?? "")
        }
    } else {
      // Anything else is history: it goes above, and the block is drawn again on the next poll.
      if let (text, isWarning) = ApplyEventText.line(event) {
        out += (isWarning ? "warning: " : "") + "[+\(ApplyEventText.duration(elapsed))] " + text.replacingOccurrences(of: "warning: ", with: "") + "\n"
      }
      block = []
    }
    out += block.map { $0 + "\n" }.joined()
    FileHandle.standardOutput.write(Data(out.utf8))
  }
}
