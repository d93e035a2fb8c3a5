internal import CLibGit2
internal import Foundation

/// How a push ended: accepted, or refused because the remote moved (never forced).
public enum PushResult: Sendable, Equatable {
  case pushed
  case rejected(String)
}

extension GitRepository {
  /// The checked-out branch's short name (`main`); nil when HEAD is detached.
  public func currentBranch() throws(GitError) -> String? {
    var head: OpaquePointer?
    guard git_repository_head(&head, handle) == 0, let head else { return nil }
    defer { git_reference_free(head) }
    guard git_reference_is_branch(head) == 1, let name = git_reference_shorthand(head) else { return nil }
    return String(cString: name)
  }

  /// Pushes `branch` to the same branch of `remote`, fast-forward only.
  public func push(branch: String, remote name: String = "origin") throws(GitError) -> PushResult {
    let remote = try lookup(name)
    defer { git_remote_free(remote) }
    let session = RemoteSession(url: git_remote_url(remote).map { String(cString: $0) })
    var options = git_push_options()
    git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
    let refspec = "refs/heads/\(branch):refs/heads/\(branch)"
    session.bind(&options.callbacks)
    let result: Int32 = withExtendedLifetime(session) {
      refspec.withCString { cString in
        var pointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: cString)
        return withUnsafeMutablePointer(to: &pointer) { strings in
          var array = git_strarray(strings: strings, count: 1)
          return git_remote_push(remote, &array, &options)
        }
      }
    }
    if result == GIT_ENONFASTFORWARD.rawValue || result == GIT_EUNMERGED.rawValue { return .rejected(Self.lastError()) }
    guard result == 0 else {
      let message = session.explain(Self.lastError())
      // Local and smart transports word a moved remote differently; both mean "fetch first".
      if message.contains("non-fast") || message.contains("fastforward") || message.contains("fast-forward") { return .rejected(message) }
      throw GitError(path: path, message: "pushing \(branch) to \(name): \(message)")
    }
    if let rejected = session.rejectedPush { return .rejected(rejected) }
    return .pushed
  }

  /// Fetches `remote` and returns the SHA its `branch` now points at.
  public func fetch(branch: String, remote name: String = "origin") throws(GitError) -> String {
    let remote = try lookup(name)
    defer { git_remote_free(remote) }
    try fetch(remote, named: name, session: RemoteSession(url: git_remote_url(remote).map { String(cString: $0) }))
    return try resolve("refs/remotes/\(name)/\(branch)")
  }

  /// Moves the checked-out branch, index and working tree to `commit` (the tree must be clean:
  /// callers check first, so nothing of the user's is lost).
  public func resetHard(to commit: String) throws(GitError) {
    var oid = git_oid()
    guard git_oid_fromstr(&oid, commit) == 0 else { throw GitError(path: path, message: Self.lastError()) }
    var object: OpaquePointer?
    guard git_object_lookup(&object, handle, &oid, GIT_OBJECT_COMMIT) == 0, let object else { throw GitError(path: path, message: Self.lastError()) }
    defer { git_object_free(object) }
    guard git_reset(handle, object, GIT_RESET_HARD, nil) == 0 else { throw GitError(path: path, message: Self.lastError()) }
  }

  /// Fetches every branch of `remote` into its remote-tracking refs.
  func fetch(_ remote: OpaquePointer, named name: String, session: RemoteSession) throws(GitError) {
    var options = git_fetch_options()
    git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
    session.bind(&options.callbacks)
    let result = withExtendedLifetime(session) { git_remote_fetch(remote, nil, &options, nil) }
    guard result == 0 else { throw GitError(path: path, message: "fetching \(name): \(session.explain(Self.lastError()))") }
  }

  func lookup(_ name: String) throws(GitError) -> OpaquePointer {
    var remote: OpaquePointer?
    guard git_remote_lookup(&remote, handle, name) == 0, let remote else { throw GitError(path: path, message: "no remote \(name): \(Self.lastError())") }
    return remote
  }
}
