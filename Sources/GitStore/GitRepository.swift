internal import CLibGit2

/// An environment repo opened through libgit2: which commit is checked out and whether the
/// working tree differs from it. Owns the C handle; not shared across tasks.
public final class GitRepository {
  let handle: OpaquePointer
  public let path: String

  /// The repository containing `path` (searching upward, as `git` does); nil when there is none.
  public static func discover(at path: String) throws(GitError) -> GitRepository? {
    try open(path, flags: 0)
  }

  /// The repository at exactly `path`, never one around it; nil when there is none.
  public static func open(exactly path: String) throws(GitError) -> GitRepository? {
    try open(path, flags: GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue)
  }

  private static func open(_ path: String, flags: UInt32) throws(GitError) -> GitRepository? {
    _ = runtime
    _ = git_libgit2_init()
    var repo: OpaquePointer?
    let result = git_repository_open_ext(&repo, path, flags, nil)
    if result == GIT_ENOTFOUND.rawValue { git_libgit2_shutdown(); return nil }
    guard result == 0, let repo else {
      let error = GitError(path: path, message: Self.lastError())
      git_libgit2_shutdown()
      throw error
    }
    return GitRepository(handle: repo, path: path)
  }

  /// Takes ownership of an open handle (and of one libgit2 init, released in deinit).
  init(adopting handle: OpaquePointer, path: String) {
    self.handle = handle
    self.path = path
  }

  private init(handle: OpaquePointer, path: String) {
    self.handle = handle
    self.path = path
  }

  deinit {
    git_repository_free(handle)
    git_libgit2_shutdown()
  }

  /// The full SHA of HEAD; nil in a repository with no commit yet.
  public func headCommit() throws(GitError) -> String? {
    var oid = git_oid()
    let result = git_reference_name_to_id(&oid, handle, "HEAD")
    if result == GIT_ENOTFOUND.rawValue || result == GIT_EUNBORNBRANCH.rawValue { return nil }
    guard result == 0 else { throw GitError(path: path, message: Self.lastError()) }
    guard let text = git_oid_tostr_s(&oid) else { return nil }
    return String(cString: text)
  }

  /// True when tracked files differ from HEAD or untracked, non-ignored files exist.
  public func isDirty() throws(GitError) -> Bool {
    // A mirror has no working tree to differ from its commit.
    if isBare { return false }
    var options = git_status_options()
    git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
    options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
    var list: OpaquePointer?
    guard git_status_list_new(&list, handle, &options) == 0 else { throw GitError(path: path, message: Self.lastError()) }
    defer { git_status_list_free(list) }
    return git_status_list_entrycount(list) > 0
  }

  /// One libgit2 initialisation held for the whole process, beneath the per-handle ones:
  /// without it the last handle's shutdown tears down libssh2 and OpenSSL, and initialising
  /// them again in the same process (a second SSH clone) can hang.
  static let runtime: Void = { _ = git_libgit2_init() }()

  static func lastError() -> String {
    guard let error = git_error_last(), let message = error.pointee.message else { return "unknown libgit2 error" }
    return String(cString: message)
  }
}
