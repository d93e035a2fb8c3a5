import ArgumentParser
internal import EnvironmentRepo
internal import Foundation
internal import GitStore
internal import ReleaseKit
internal import Yams

struct LogCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log",
    abstract: "Commits that changed an environment: its overlay and the local bases it names.",
    discussion: "Git's view of the environment's history; `release history ENV` is the cluster's.")

  @OptionGroup var global: GlobalOptions
  @Argument(help: "Environment name.") var environment: String
  @Option(name: .shortAndLong, help: "At most this many commits.") var number: Int = 20

  func run() async throws {
    let repository = try global.environmentRepository()
    let directory: String
    do {
      directory = try repository.directory(of: environment)
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
    let paths = [repository.relative(directory)] + Self.localBases(of: directory, in: repository)
    let commits: [GitCommitSummary]
    do {
      guard let git = try GitRepository.discover(at: repository.root) else { throw ReleaseFailure.badInput("\(repository.root) is not a git repository") }
      commits = try git.log(touching: paths, limit: number)
    } catch let failure as ReleaseFailure {
      throw failure
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
    let formatter = ISO8601DateFormatter()
    var lines = ["commits touching \(paths.joined(separator: ", ")):"]
    for commit in commits {
      let when = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(commit.time)))
      let promoted = commit.message.split(separator: "\n").first { $0.hasPrefix("Promoted-From: ") }.map { "  [\($0)]" } ?? ""
      lines.append("\(commit.sha.prefix(12))  \(when)  \(commit.author)  \(commit.subject)\(promoted)")
    }
    if commits.isEmpty { lines.append("(none)") }
    Console.output(lines.joined(separator: "\n") + "\n")
  }

  /// Directories the overlay's kustomization names under resources/components/bases, inside
  /// the repo (one level: a base's own bases are not followed).
  static func localBases(of directory: String, in repository: EnvironmentRepository) -> [String] {
    guard let text = try? String(contentsOfFile: directory + "/kustomization.yaml", encoding: .utf8),
      let map = (try? Yams.load(yaml: text)) as? [String: Any]
    else { return [] }
    var result: [String] = []
    for key in ["resources", "components", "bases"] {
      for entry in (map[key] as? [String]) ?? [] {
        let path = URL(fileURLWithPath: directory + "/" + entry).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        if path.hasPrefix(repository.root + "/"), FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
          result.append(repository.relative(path))
        }
      }
    }
    return result
  }
}
