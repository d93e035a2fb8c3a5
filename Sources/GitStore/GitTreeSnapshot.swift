internal import CLibGit2

/// Every file of one commit's tree, read into memory so it can be rendered without a checkout
/// (`--at REV`). A tree from git is untrusted: blobs over `maxFileBytes` or a total over
/// `maxTotalBytes` are refused, and symbolic links are kept as links (never followed), so the
/// renderer refuses to read through them.
public struct GitTreeSnapshot: Sendable {
  public var commit: String
  /// Path relative to the repo root → bytes.
  public var files: [String: [UInt8]]
  public var symlinks: Set<String>
  public var directories: Set<String>
}

extension GitRepository {
  /// The commit `revision` names: a branch, tag, SHA or `HEAD~N`, as git rev-parse reads it.
  public func resolve(_ revision: String) throws(GitError) -> String {
    var object: OpaquePointer?
    guard git_revparse_single(&object, handle, revision) == 0, let object else {
      throw GitError(path: path, message: "no commit \(revision): \(Self.lastError())")
    }
    defer { git_object_free(object) }
    var peeled: OpaquePointer?
    guard git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0, let peeled else {
      throw GitError(path: path, message: "\(revision) is not a commit: \(Self.lastError())")
    }
    defer { git_object_free(peeled) }
    guard let id = git_object_id(peeled), let text = git_oid_tostr_s(id) else { throw GitError(path: path, message: Self.lastError()) }
    return String(cString: text)
  }

  public func snapshot(at revision: String, maxFileBytes: Int = 8 << 20, maxTotalBytes: Int = 256 << 20) throws(GitError) -> GitTreeSnapshot {
    let sha = try resolve(revision)
    var oid = git_oid()
    guard git_oid_fromstr(&oid, sha) == 0 else { throw GitError(path: path, message: Self.lastError()) }
    var commit: OpaquePointer?
    guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else { throw GitError(path: path, message: Self.lastError()) }
    defer { git_commit_free(commit) }
    var tree: OpaquePointer?
    guard git_commit_tree(&tree, commit) == 0, let tree else { throw GitError(path: path, message: Self.lastError()) }
    defer { git_tree_free(tree) }
    var snapshot = GitTreeSnapshot(commit: sha, files: [:], symlinks: [], directories: [""])
    var total = 0
    try walk(tree, prefix: "", into: &snapshot, total: &total, maxFileBytes: maxFileBytes, maxTotalBytes: maxTotalBytes)
    return snapshot
  }

  private func walk(
    _ tree: OpaquePointer, prefix: String, into snapshot: inout GitTreeSnapshot, total: inout Int, maxFileBytes: Int, maxTotalBytes: Int
  ) throws(GitError) {
    for index in 0..<git_tree_entrycount(tree) {
      guard let entry = git_tree_entry_byindex(tree, index), let rawName = git_tree_entry_name(entry) else { continue }
      let name = prefix.isEmpty ? String(cString: rawName) : prefix + "/" + String(cString: rawName)
      let mode = git_tree_entry_filemode(entry)
      guard let id = git_tree_entry_id(entry) else { continue }
      switch mode {
      case GIT_FILEMODE_TREE:
        var child: OpaquePointer?
        guard git_tree_lookup(&child, handle, id) == 0, let child else { throw GitError(path: name, message: Self.lastError()) }
        defer { git_tree_free(child) }
        snapshot.directories.insert(name)
        try walk(child, prefix: name, into: &snapshot, total: &total, maxFileBytes: maxFileBytes, maxTotalBytes: maxTotalBytes)
      case GIT_FILEMODE_LINK:
        snapshot.symlinks.insert(name)
      case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE:
        var blob: OpaquePointer?
        guard git_blob_lookup(&blob, handle, id) == 0, let blob else { throw GitError(path: name, message: Self.lastError()) }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size <= maxFileBytes else { throw GitError(path: name, message: "\(size) bytes, over the \(maxFileBytes)-byte limit for a file") }
        total += size
        guard total <= maxTotalBytes else { throw GitError(path: name, message: "the tree is over the \(maxTotalBytes)-byte limit") }
        let bytes = git_blob_rawcontent(blob).map { UnsafeRawBufferPointer(start: $0, count: size) }.map { [UInt8]($0) } ?? []
        snapshot.files[name] = bytes
      default:
        continue  // submodules: not part of an overlay
      }
    }
  }
}
