/// One target at a time, in order, stopping at the first failure: the targets of a promotion
/// (`release promote FROM TO1 TO2`) and the clusters of an environment (release.yaml
/// `clusters:`). A later target is never touched once an earlier one failed, and the failure
/// says which targets were done, where the wave stopped and which were not attempted.
public struct Wave: Sendable {
  /// What rolls, for messages: `promotion staging → prod-us, prod-eu`, `apply prod`.
  public var what: String
  /// What a target is called in messages: `environment`, `cluster`.
  public var noun: String
  public var targets: [String]

  public init(_ what: String, noun: String, targets: [String]) {
    self.what = what
    self.noun = noun
    self.targets = targets
  }

  /// Runs `body` for each target in order. A failure is rethrown with its own exit code (an
  /// error that is not a `ReleaseFailure` is bad input, as the command's would be) and, when
  /// there is more than one target, the wave's report after its message.
  public func run(_ body: (_ index: Int, _ target: String) async throws -> Void) async throws(ReleaseFailure) {
    for (index, target) in targets.enumerated() {
      do {
        try await body(index, target)
      } catch {
        let failure = error as? ReleaseFailure ?? ReleaseFailure.badInput("\(error)")
        guard targets.count > 1 else { throw failure }
        throw ReleaseFailure(exit: failure.exit, message: failure.message + "\n" + stopped(at: index))
      }
    }
  }

  /// `promotion staging → prod-us, prod-eu stopped at environment prod-eu (2 of 2): done: prod-us; not attempted: none`
  public func stopped(at index: Int) -> String {
    let done = targets[..<index]
    let rest = targets[(index + 1)...]
    return "\(what) stopped at \(noun) \(targets[index]) (\(index + 1) of \(targets.count)): "
      + "done: \(done.isEmpty ? "none" : done.joined(separator: ", ")); "
      + "not attempted: \(rest.isEmpty ? "none" : rest.joined(separator: ", "))"
  }
}
