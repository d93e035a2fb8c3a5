internal import CLibGit2

extension GitRepository {
  /// Clones `url` without a working tree: nothing a remote holds (symlinks out of the tree,
  /// huge files) is ever written as a file; everything is read back through the object store.
  /// `local` copies are refused on purpose so a path remote goes through the same transport,
  /// bounds and checks as a network one.
  static func cloneBare(url: String, into path: String, session: RemoteSession) throws(GitError) -> GitRepository {
    _ = runtime
    _ = git_libgit2_init()
    var options = git_clone_options()
    git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION))
    options.bare = 1
    options.local = GIT_CLONE_NO_LOCAL
    session.bind(&options.fetch_opts.callbacks)
    var repo: OpaquePointer?
    let result = withExtendedLifetime(session) { git_clone(&repo, url, path, &options) }
    guard result == 0, let repo else {
      let error = GitError(path: RemoteURL.redacted(url), message: "cloning: \(session.explain(Self.lastError()))")
      git_libgit2_shutdown()
      throw error
    }
    return GitRepository(adopting: repo, path: path)
  }

  /// True for a repository without a working tree (a mirror in the cache).
  public var isBare: Bool { git_repository_is_bare(handle) == 1 }

  /// Points `refs/heads/<branch>` and HEAD at `commit`, so HEAD-based reads (the release's
  /// source commit, `log`) see what was fetched. Only for bare repositories: there is no
  /// working tree to fall out of step with.
  func moveBranch(_ branch: String, to commit: String) throws(GitError) {
    var oid = git_oid()
    guard git_oid_fromstr(&oid, commit) == 0 else { throw GitError(path: path, message: Self.lastError()) }
    var reference: OpaquePointer?
    guard git_reference_create(&reference, handle, "refs/heads/\(branch)", &oid, 1, "release: fetched") == 0 else {
      throw GitError(path: path, message: Self.lastError())
    }
    git_reference_free(reference)
    guard git_repository_set_head(handle, "refs/heads/\(branch)") == 0 else { throw GitError(path: path, message: Self.lastError()) }
  }

  /// A one-way fingerprint of `text` (git's blob hash), for naming cache entries after URLs
  /// without writing the URL, which may carry a credential, into a path.
  static func fingerprint(_ text: String) -> String {
    _ = git_libgit2_init()
    defer { git_libgit2_shutdown() }
    var oid = git_oid()
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }
    return git_oid_tostr_s(&oid).map { String(cString: $0) } ?? "0"
  }
}

/// Remote addresses as `release` shows them: a credential inside one never reaches a message.
public enum RemoteURL {
  /// True for what names a remote rather than a directory: a URL with a scheme, or scp-like
  /// `user@host:path`.
  public static func isRemote(_ text: String) -> Bool {
    if let scheme = text.range(of: "://") {
      return ["https", "http", "ssh", "git", "file"].contains(text[..<scheme.lowerBound].lowercased())
    }
    guard let at = text.firstIndex(of: "@"), let colon = text[at...].firstIndex(of: ":") else { return false }
    return !text[..<at].contains("/") && !text[text.index(after: at)..<colon].contains("/")
  }

  /// The port an `ssh://host:PORT/…` URL names; nil for 22, scp-like and non-SSH URLs.
  static func sshPort(_ url: String) -> Int? {
    guard url.lowercased().hasPrefix("ssh://") else { return nil }
    let rest = url.dropFirst("ssh://".count)
    let authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
    let hostPort = authority[(authority.lastIndex(of: "@").map(authority.index(after:)) ?? authority.startIndex)...]
    guard let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...]), port != 22 else { return nil }
    return port
  }

  /// `https://user:secret@host/x` → `https://***@host/x`. An HTTP user name alone may be a
  /// token (hosts accept one there), so it goes too; an SSH user name without a password is
  /// only a login and stays.
  public static func redacted(_ url: String) -> String {
    guard let scheme = url.range(of: "://") else { return url }
    let rest = url[scheme.upperBound...]
    let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
    guard let at = rest[..<hostEnd].lastIndex(of: "@") else { return url }
    let userinfo = rest[..<at]
    if url[..<scheme.lowerBound].lowercased() == "ssh" && !userinfo.contains(":") { return url }
    return String(url[..<scheme.upperBound]) + "***" + String(rest[at...])
  }
}
