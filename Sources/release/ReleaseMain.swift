import ArgumentParser
internal import ReleaseKit
internal import Foundation

/// Parses, runs, and maps every failure to DESIGN's exit codes: usage and input errors are 2
/// (ArgumentParser's own default would be 64), with one message on stderr and nothing on stdout.
@main
enum ReleaseMain {
  static func main() async {
    do {
      var command = try Release.parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let failure as ReleaseFailure {
      Console.error(failure.message)
      Release.exit(withError: ExitCode(failure.exit.rawValue))
    } catch let exit as ExitCode {
      Release.exit(withError: exit)
    } catch {
      let code = Release.exitCode(for: error)
      if code == .success {
        Release.exit(withError: error)  // --help and --version print and exit 0
      }
      Console.error(Release.fullMessage(for: error))
      Release.exit(withError: ExitCode(ReleaseExit.badInput.rawValue))
    }
  }
}
