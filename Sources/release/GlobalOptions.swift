import ArgumentParser
internal import EnvironmentRepo
internal import Foundation
internal import GitStore
internal import ReleaseKit
internal import Synchronization

enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case text, yaml, json
}

/// Flags every command takes (DESIGN: Commands and exit codes).
struct GlobalOptions: ParsableArguments {
  @Option(
    name: .long,
    help: """
      The environment repo: a directory (default: the repo around the working directory), or a \
      URL (https://, ssh://, git@host:path, file://) mirrored into $RELEASE_CACHE_DIR and read \
      from its fetched commit.
      """)
  var repo: String?

  @Option(name: .long, help: "With --repo URL: the branch to read (default: the remote's default branch).")
  var branch: String?

  @Option(name: .long, help: "Kubeconfig context to use instead of the cluster in release.yaml.")
  var context: String?

  @Option(name: .long, help: "Kubeconfig file to use instead of $KUBECONFIG or ~/.kube/config.")
  var kubeconfig: String?

  /// The repo, located from --repo or the working directory.
  func environmentRepository() throws(ReleaseFailure) -> EnvironmentRepository {
    if let repo, RemoteURL.isRemote(repo) { return try Self.mirrored(repo, branch: branch).repository }
    if branch != nil { throw ReleaseFailure.badInput("--branch: only with --repo URL (a local repo reads its working tree)") }
    let cwd = FileManager.default.currentDirectoryPath
    do {
      if let repo {
        let absolute = repo.hasPrefix("/") ? repo : cwd + "/" + repo
        let standardized = URL(fileURLWithPath: absolute).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: standardized) else {
          throw ReleaseFailure.badInput("--repo \(repo): no such directory")
        }
        return EnvironmentRepository(root: standardized)
      }
      return try EnvironmentRepository.locate(from: cwd)
    } catch let error as ReleaseFailure {
      throw error
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
  }

  /// The repo for a command that writes to it (commits, cluster state files): a mirror of a
  /// URL is read-only.
  func writableRepository(for command: String) throws(ReleaseFailure) -> EnvironmentRepository {
    if let repo, RemoteURL.isRemote(repo) {
      throw ReleaseFailure.badInput("--repo \(RemoteURL.redacted(repo)): `release \(command)` writes to the repo; run it in a clone")
    }
    return try environmentRepository()
  }

  /// Commands ask for the repo more than once; a URL is fetched once per process.
  private static let mirrors = Mutex<[String: RemoteEnvironmentRepository.Opened]>([:])

  private static func mirrored(_ url: String, branch: String?) throws(ReleaseFailure) -> RemoteEnvironmentRepository.Opened {
    let key = url + "#" + (branch ?? "")
    if let known = mirrors.withLock({ $0[key] }) { return known }
    let opened = try RemoteEnvironmentRepository.open(url: url, branch: branch)
    let how = opened.update.cloned ? "cloned" : "fetched"
    Console.note("\(how) \(RemoteURL.redacted(url)) \(opened.update.branch) at \(opened.update.commit.prefix(12))")
    mirrors.withLock { $0[key] = opened }
    return opened
  }

  /// The environment and a session on each of its clusters (release.yaml `clusters:`, in
  /// order; one unnamed session for `cluster:` or when --kubeconfig/--context override it).
  func openClusters(_ environment: String, at revision: String? = nil) async throws(ReleaseFailure) -> (EnvironmentContext, [ClusterTarget]) {
    let repository = try environmentRepository()
    let context: EnvironmentContext
    if let revision {
      context = try await EnvironmentContext.load(environment, repository: repository, at: revision)
    } else {
      context = try await EnvironmentContext.load(environment, repository: repository)
    }
    let sessions = try ClusterConnector(kubeconfig: kubeconfig, context: self.context).connectAll(context.config, repository: context.repository)
    for (_, session) in sessions {
      for warning in session.warnings { Console.warning(warning) }
    }
    return (context, sessions.map { ClusterTarget(name: $0.name, session: $0.session) })
  }

  /// The environment, validated and rendered, and a session on its cluster. Kubeconfig
  /// warnings go to stderr here, once.
  /// `at`: render the environment as that commit holds it instead of the working tree.
  func open(_ environment: String, at revision: String? = nil) async throws(ReleaseFailure) -> (EnvironmentContext, ClusterSession) {
    let repository = try environmentRepository()
    let context: EnvironmentContext
    if let revision {
      context = try await EnvironmentContext.load(environment, repository: repository, at: revision)
    } else {
      context = try await EnvironmentContext.load(environment, repository: repository)
    }
    let session = try ClusterConnector(kubeconfig: kubeconfig, context: self.context).connect(context.config, repository: context.repository)
    for warning in session.warnings { Console.warning(warning) }
    return (context, session)
  }
}

/// One cluster of an environment and the session on it; `name` is nil unless release.yaml
/// lists `clusters:`.
struct ClusterTarget: Sendable {
  var name: String?
  var session: ClusterSession

  /// `cluster prod-us (context prod-us (https://…))`, the heading of its part of the output.
  var heading: String { "cluster \(name ?? "") (\(session.label))" }
}
