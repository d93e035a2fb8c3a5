internal import CLibGit2

extension GitRepository {
  /// The working tree's root (with no trailing slash).
  public func workdir() throws(GitError) -> String {
    guard let dir = git_repository_workdir(handle) else { throw GitError(path: path, message: "a bare repository has no working tree") }
    var text = String(cString: dir)
    while text.hasSuffix("/") && text.count > 1 { text.removeLast() }
    return text
  }

  /// Commits the given files (absolute, inside the working tree) as they are on disk, on top of
  /// HEAD, with the author and committer git's configuration names (`user.name`, `user.email`),
  /// as `git commit` would. Returns the new commit's SHA.
  public func commit(files: [String], message: String) throws(GitError) -> String {
    let root = try workdir() + "/"
    var index: OpaquePointer?
    guard git_repository_index(&index, handle) == 0, let index else { throw GitError(path: path, message: Self.lastError()) }
    defer { git_index_free(index) }
    // Another process (a `git commit`, a child `release`) may have written the index since
    // this handle read it: start from what is on disk, or its commits would be undone.
    guard git_index_read(index, 1) == 0 else { throw GitError(path: path, message: Self.lastError()) }
    for file in files {
      guard file.hasPrefix(root) else { throw GitError(path: file, message: "not inside the repository's working tree \(root)") }
      guard git_index_add_bypath(index, String(file.dropFirst(root.count))) == 0 else { throw GitError(path: file, message: Self.lastError()) }
    }
    guard git_index_write(index) == 0 else { throw GitError(path: path, message: Self.lastError()) }
    var treeID = git_oid()
    guard git_index_write_tree(&treeID, index) == 0 else { throw GitError(path: path, message: Self.lastError()) }
    var tree: OpaquePointer?
    guard git_tree_lookup(&tree, handle, &treeID) == 0 else { throw GitError(path: path, message: Self.lastError()) }
    defer { git_tree_free(tree) }
    var signature: UnsafeMutablePointer<git_signature>?
    guard git_signature_default(&signature, handle) == 0, let signature else {
      throw GitError(path: path, message: "no author configured: set git's user.name and user.email (\(Self.lastError()))")
    }
    defer { git_signature_free(signature) }
    var parentID = git_oid()
    var parent: OpaquePointer?
    if git_reference_name_to_id(&parentID, handle, "HEAD") == 0 {
      guard git_commit_lookup(&parent, handle, &parentID) == 0 else { throw GitError(path: path, message: Self.lastError()) }
    }
    defer { if let parent { git_commit_free(parent) } }
    var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
    var commitID = git_oid()
    let result = parents.withUnsafeMutableBufferPointer { buffer in
      git_commit_create(&commitID, handle, "HEAD", signature, signature, nil, message, tree, buffer.count, buffer.baseAddress)
    }
    guard result == 0, let text = git_oid_tostr_s(&commitID) else { throw GitError(path: path, message: Self.lastError()) }
    return String(cString: text)
  }
}

extension GitRepository {
  /// A new repository at `path` whose commits are authored as `name <email>` (its own config,
  /// so it does not depend on the user's).
  public static func create(at path: String, authorName name: String, email: String) throws(GitError) -> GitRepository {
    _ = git_libgit2_init()
    var repo: OpaquePointer?
    guard git_repository_init(&repo, path, 0) == 0, let repo else {
      let error = GitError(path: path, message: lastError())
      git_libgit2_shutdown()
      throw error
    }
    let repository = GitRepository(adopting: repo, path: path)
    var config: OpaquePointer?
    guard git_repository_config(&config, repo) == 0, let config else { throw GitError(path: path, message: lastError()) }
    defer { git_config_free(config) }
    guard git_config_set_string(config, "user.name", name) == 0, git_config_set_string(config, "user.email", email) == 0 else {
      throw GitError(path: path, message: lastError())
    }
    return repository
  }
}
