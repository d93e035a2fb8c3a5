public import EnvironmentRepo
public import Foundation
public import GitStore

/// An environment repo named by URL (`--repo https://…`, the drift CronJob's way): mirrored
/// bare into a cache directory and read from the fetched commit's tree, so no file from the
/// remote is ever checked out next to the pod's service-account token.
public enum RemoteEnvironmentRepository {
  public struct Opened: Sendable {
    public var repository: EnvironmentRepository
    public var update: RepositoryMirror.Update
  }

  /// Where mirrors live: `RELEASE_CACHE_DIR`, else the XDG cache, else `~/.cache`.
  public static func cacheDirectory(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    if let explicit = environment["RELEASE_CACHE_DIR"], !explicit.isEmpty { return explicit }
    if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/release/repos" }
    return (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()) + "/.cache/release/repos"
  }

  /// The bound on one clone or fetch: `RELEASE_GIT_MAX_MIB` (default 512).
  public static func maxBytes(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ReleaseFailure) -> Int {
    guard let text = environment["RELEASE_GIT_MAX_MIB"], !text.isEmpty else { return 512 << 20 }
    guard let mebibytes = Int(text), mebibytes > 0, mebibytes < 1 << 20 else {
      throw ReleaseFailure.badInput("RELEASE_GIT_MAX_MIB=\(text): expected a positive number of MiB")
    }
    return mebibytes << 20
  }

  /// Clones or fetches `url` and returns the environment repo as its `branch` holds it.
  public static func open(url: String, branch: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
    throws(ReleaseFailure) -> Opened
  {
    let mirror = RepositoryMirror(cacheDirectory: cacheDirectory(environment), maxBytes: try maxBytes(environment))
    let update: RepositoryMirror.Update
    let snapshot: GitTreeSnapshot
    do throws(GitError) {
      update = try mirror.update(url: url, branch: branch)
      guard let git = try GitRepository.open(exactly: update.path) else {
        throw GitError(path: update.path, message: "the mirror cannot be opened")
      }
      snapshot = try git.snapshot(at: update.commit)
    } catch {
      throw ReleaseFailure.badInput("--repo \(RemoteURL.redacted(url)): \(error.message)")
    }
    let repository = EnvironmentRepository(root: update.path, fileSystem: GitTreeFileSystem(root: update.path, snapshot: snapshot))
    return Opened(repository: repository, update: update)
  }
}
