public import GitStore
internal import Manifest
public import Render

/// A commit's tree as the renderer's file system: `release render ENV --at REV` renders what
/// git held then, without touching the working tree. Links are never followed.
public struct GitTreeFileSystem: FileSystem {
  public let root: String
  public let snapshot: GitTreeSnapshot

  public init(root: String, snapshot: GitTreeSnapshot) {
    self.root = root
    self.snapshot = snapshot
  }

  func relative(_ path: String) -> String? {
    if path == root { return "" }
    return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : nil
  }

  public func readBytes(_ path: String) throws(RenderError) -> [UInt8] {
    guard let key = relative(path) else { throw RenderError(file: path, message: "outside the repository") }
    if snapshot.symlinks.contains(key) {
      throw RenderError(file: path, message: "a symbolic link in commit \(snapshot.commit.prefix(12)); refusing to follow it")
    }
    guard let bytes = snapshot.files[key] else { throw RenderError(file: path, message: "not in commit \(snapshot.commit.prefix(12))") }
    return bytes
  }

  public func readFile(_ path: String) throws(RenderError) -> String {
    guard let text = String(validating: try readBytes(path), as: UTF8.self) else { throw RenderError(file: path, message: "file is not UTF-8 text") }
    return text
  }

  public func isDirectory(_ path: String) -> Bool { relative(path).map(snapshot.directories.contains) ?? false }

  public func fileExists(_ path: String) -> Bool {
    guard let key = relative(path) else { return false }
    return snapshot.files[key] != nil || snapshot.directories.contains(key) || snapshot.symlinks.contains(key)
  }

  public func contentsOfDirectory(_ path: String) throws(RenderError) -> [String] {
    guard let key = relative(path), snapshot.directories.contains(key) else { throw RenderError(file: path, message: "cannot list directory") }
    let prefix = key.isEmpty ? "" : key + "/"
    var names: Set<String> = []
    for entry in Array(snapshot.files.keys) + Array(snapshot.directories) + Array(snapshot.symlinks) where entry.hasPrefix(prefix) && entry != key {
      if let name = entry.dropFirst(prefix.count).split(separator: "/").first { names.insert(String(name)) }
    }
    return names.sorted()
  }

  public func resolvingSymlinks(_ path: String) throws(RenderError) -> String {
    guard let key = relative(path) else { return path }
    // A link anywhere on the way is refused rather than followed: a tree from git is not trusted.
    var walked = ""
    for part in key.split(separator: "/") {
      walked = walked.isEmpty ? String(part) : walked + "/" + part
      if snapshot.symlinks.contains(walked) {
        throw RenderError(file: root + "/" + walked, message: "a symbolic link in commit \(snapshot.commit.prefix(12)); refusing to follow it")
      }
    }
    return path
  }
}
