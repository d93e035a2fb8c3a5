internal import CLibGit2

/// One commit as `release log` shows it.
public struct GitCommitSummary: Sendable, Equatable {
  public var sha: String
  public var author: String
  public var time: Int64
  public var message: String

  public var subject: String { String(message.split(separator: "\n", maxSplits: 1).first ?? "") }
}

extension GitRepository {
  /// Commits reachable from HEAD, newest first, whose tree differs from their first parent's
  /// under any of `prefixes` (paths relative to the repo root), as `git log -- PATH` lists them.
  public func log(touching prefixes: [String], limit: Int = 50) throws(GitError) -> [GitCommitSummary] {
    var walk: OpaquePointer?
    guard git_revwalk_new(&walk, handle) == 0, let walk else { throw GitError(path: path, message: Self.lastError()) }
    defer { git_revwalk_free(walk) }
    git_revwalk_sorting(walk, GIT_SORT_TIME.rawValue)
    guard git_revwalk_push_head(walk) == 0 else { return [] }
    var result: [GitCommitSummary] = []
    var oid = git_oid()
    while result.count < limit && git_revwalk_next(&oid, walk) == 0 {
      var commit: OpaquePointer?
      guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else { continue }
      defer { git_commit_free(commit) }
      guard try touches(commit, prefixes) else { continue }
      let author = git_commit_author(commit).map { String(cString: $0.pointee.name) } ?? "?"
      result.append(GitCommitSummary(
        sha: String(cString: git_oid_tostr_s(&oid)), author: author, time: git_commit_time(commit),
        message: git_commit_message(commit).map { String(cString: $0) } ?? ""))
    }
    return result
  }

  private func touches(_ commit: OpaquePointer, _ prefixes: [String]) throws(GitError) -> Bool {
    var tree: OpaquePointer?
    guard git_commit_tree(&tree, commit) == 0, let tree else { throw GitError(path: path, message: Self.lastError()) }
    defer { git_tree_free(tree) }
    var parentTree: OpaquePointer?
    if git_commit_parentcount(commit) > 0 {
      var parent: OpaquePointer?
      if git_commit_parent(&parent, commit, 0) == 0, let parent {
        defer { git_commit_free(parent) }
        _ = git_commit_tree(&parentTree, parent)
      }
    }
    defer { if let parentTree { git_tree_free(parentTree) } }
    var diff: OpaquePointer?
    guard git_diff_tree_to_tree(&diff, handle, parentTree, tree, nil) == 0, let diff else { throw GitError(path: path, message: Self.lastError()) }
    defer { git_diff_free(diff) }
    for index in 0..<git_diff_num_deltas(diff) {
      guard let delta = git_diff_get_delta(diff, index) else { continue }
      for file in [delta.pointee.old_file.path, delta.pointee.new_file.path] {
        guard let file else { continue }
        let name = String(cString: file)
        if prefixes.contains(where: { name == $0 || name.hasPrefix($0 + "/") }) { return true }
      }
    }
    return false
  }
}
