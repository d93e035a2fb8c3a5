internal import CLibGit2
public import Foundation

/// Bare copies of remote environment repos in a cache directory, cloned once and then only
/// fetched: what the drift CronJob reads git through. libgit2 1.5 cannot fetch shallowly
/// (depth arrived in 1.7), so the first run transfers the whole history; later runs move
/// only new objects.
public struct RepositoryMirror: Sendable {
  public var cacheDirectory: String
  /// The most one clone or fetch may transfer.
  public var maxBytes: Int
  /// Where credentials come from (`RELEASE_GIT_TOKEN`, `RELEASE_GIT_SSH_KEY`…).
  public var environment: [String: String]

  public init(cacheDirectory: String, maxBytes: Int, environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.cacheDirectory = cacheDirectory
    self.maxBytes = maxBytes
    self.environment = environment
  }

  public struct Update: Sendable, Equatable {
    /// The bare repository's directory.
    public var path: String
    public var branch: String
    public var commit: String
    /// True when this run cloned; false when it only fetched.
    public var cloned: Bool
  }

  /// Brings the mirror of `url` up to date and returns the commit `branch` (the remote's
  /// default branch when nil) points at. Runs sharing a cache take turns (a file lock).
  public func update(url: String, branch: String?) throws(GitError) -> Update {
    let shown = RemoteURL.redacted(url)
    do {
      try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw GitError(path: cacheDirectory, message: "cannot create the repository cache: \(error.localizedDescription)")
    }
    let path = cacheDirectory + "/" + Self.entryName(url)
    let lock = try FileLock(path: path + ".lock")
    defer { lock.release() }

    let session = RemoteSession(credentials: .fromEnvironment(environment), maxBytes: maxBytes, url: url)
    var cloned = false
    let repository: GitRepository
    if let existing = try? GitRepository.open(exactly: path), existing.isBare {
      repository = existing
      let remote = try repository.lookup("origin")
      defer { git_remote_free(remote) }
      do {
        try repository.fetch(remote, named: "origin", session: session)
      } catch {
        throw GitError(path: shown, message: error.message)
      }
    } else {
      // A leftover from a killed clone (or anything else) is not trusted: start again.
      try? FileManager.default.removeItem(atPath: path)
      let staging = path + ".partial-\(getpid())"
      try? FileManager.default.removeItem(atPath: staging)
      do {
        _ = try GitRepository.cloneBare(url: url, into: staging, session: session)
        try FileManager.default.moveItem(atPath: staging, toPath: path)
      } catch let error as GitError {
        try? FileManager.default.removeItem(atPath: staging)
        throw error
      } catch {
        try? FileManager.default.removeItem(atPath: staging)
        throw GitError(path: path, message: "cannot move the new clone into the cache: \(error.localizedDescription)")
      }
      guard let opened = try GitRepository.open(exactly: path) else { throw GitError(path: path, message: "the new clone cannot be opened") }
      repository = opened
      cloned = true
    }
    let defaultBranch = try repository.currentBranch()
    guard let name = branch ?? defaultBranch else {
      throw GitError(path: shown, message: "the remote has no default branch; name one with --branch")
    }
    let commit: String
    do {
      commit = try repository.resolve("refs/remotes/origin/\(name)")
    } catch {
      throw GitError(path: shown, message: "no branch \(name) on the remote")
    }
    try repository.moveBranch(name, to: commit)
    return Update(path: path, branch: name, commit: commit, cloned: cloned)
  }

  /// `<last path component>-<fingerprint>`: readable in `ls`, unique per URL.
  static func entryName(_ url: String) -> String {
    let tail = url.split(whereSeparator: { "/:".contains($0) }).last.map(String.init) ?? "repo"
    let readable = String(tail.replacingOccurrences(of: ".git", with: "").filter { $0.isLetter || $0.isNumber || "-_.".contains($0) }.prefix(40))
    return (readable.isEmpty ? "repo" : readable) + "-" + GitRepository.fingerprint(url).prefix(16)
  }
}

/// An exclusive `flock` on a file, held until released (or the process ends).
struct FileLock {
  let descriptor: Int32

  init(path: String) throws(GitError) {
    descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw GitError(path: path, message: "cannot open the cache lock: \(String(cString: strerror(errno)))") }
    guard flock(descriptor, LOCK_EX) == 0 else {
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw GitError(path: path, message: "cannot lock the cache: \(reason)")
    }
  }

  func release() {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
