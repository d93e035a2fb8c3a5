/// kustomize's default load restrictions (`LoadRestrictionsRootOnly`): a file a kustomization
/// reads (a resource, patch, generator source, replacement source) must lie in or below the
/// kustomization's directory. As in kustomize, the check is on the *resolved* paths of both,
/// so a symbolic link — the file itself or a directory on the way — that leads outside is
/// refused, while a link that stays inside is followed. Bases (directories under
/// `resources:`) may lie anywhere; each one is a new root for its own files.
struct LoadRestrictions {
  let fileSystem: any FileSystem
  /// The kustomization file, named in errors.
  let file: String
  /// The kustomization's directory as the user named it.
  let directory: String

  /// The text of the file at `relative`, or an error naming `field` of the kustomization.
  func read(_ relative: String, field: String) throws(RenderError) -> String {
    try fileSystem.readFile(try checkedPath(relative, field: field))
  }

  func readBytes(_ relative: String, field: String) throws(RenderError) -> [UInt8] {
    try fileSystem.readBytes(try checkedPath(relative, field: field))
  }

  /// The path to read `relative` from: it exists, is a file, and resolves inside the root.
  func checkedPath(_ relative: String, field: String) throws(RenderError) -> String {
    let path = PathName.join(directory, relative)
    guard PathName.isWithin(path, root: directory) else { throw outside(relative, field: field, resolved: nil) }
    guard fileSystem.fileExists(path), !fileSystem.isDirectory(path) else {
      throw RenderError(file: file, field: field, message: "\(relative): no such file")
    }
    let resolved = try fileSystem.resolvingSymlinks(path)
    let root = try fileSystem.resolvingSymlinks(directory)
    guard PathName.isWithin(resolved, root: root) else { throw outside(relative, field: field, resolved: resolved) }
    return path
  }

  private func outside(_ relative: String, field: String, resolved: String?) -> RenderError {
    let link = resolved.map { " (a symbolic link on the way leads to \($0))" } ?? ""
    return RenderError(
      file: file, field: field,
      message: "security; file \(relative) is not in or below \(directory)\(link) (kustomize's load restrictions)")
  }
}
