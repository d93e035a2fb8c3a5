internal import Foundation
public import Manifest

/// What the renderer reads overlays through: a directory today, a git tree at a commit later.
/// Paths are absolute and normalized ("/repo/environments/staging/kustomization.yaml").
public protocol FileSystem: Sendable {
  func readFile(_ path: String) throws(RenderError) -> String
  /// The file's bytes as they are: a generator keeps a file that is not UTF-8 text as
  /// `binaryData`, as kustomize does.
  func readBytes(_ path: String) throws(RenderError) -> [UInt8]
  func isDirectory(_ path: String) -> Bool
  func fileExists(_ path: String) -> Bool
  /// Entry names (not paths) of a directory, sorted.
  func contentsOfDirectory(_ path: String) throws(RenderError) -> [String]
  /// `path` (which exists) with every symbolic link on the way resolved, as realpath(3) gives
  /// it: kustomize's load restrictions apply to where a file really is, so a link inside the
  /// overlay cannot hand the renderer a file from outside it.
  func resolvingSymlinks(_ path: String) throws(RenderError) -> String
}

extension FileSystem {
  /// For trees that hold only text.
  public func readBytes(_ path: String) throws(RenderError) -> [UInt8] { Array(try readFile(path).utf8) }

  /// For trees without symbolic links (in memory); a tree that has them must resolve them.
  public func resolvingSymlinks(_ path: String) throws(RenderError) -> String { PathName.normalize(path) }
}

/// The local disk. Reads only regular files up to `maxFileBytes`: a FIFO would block the
/// render forever and a device or huge file would exhaust memory, and an overlay from git is
/// not trusted to avoid either.
public struct DiskFileSystem: FileSystem {
  public let maxFileBytes: Int

  public init(maxFileBytes: Int = YAMLLimits.default.maxBytes) { self.maxFileBytes = maxFileBytes }

  public func readFile(_ path: String) throws(RenderError) -> String {
    guard let text = String(validating: try readBytes(path), as: UTF8.self) else {
      throw RenderError(file: path, message: "file is not UTF-8 text")
    }
    return text
  }

  public func readBytes(_ path: String) throws(RenderError) -> [UInt8] {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw RenderError(file: path, message: "cannot read file: \(String(cString: strerror(errno)))")
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      throw RenderError(file: path, message: "not a regular file; refusing to read it")
    }
    guard Int(info.st_size) <= maxFileBytes else {
      throw RenderError(
        file: path, message: "file of \(info.st_size) bytes is larger than the limit of \(maxFileBytes) bytes; refusing to read it")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RenderError(file: path, message: "cannot read file")
    }
    return [UInt8](data)
  }

  public func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
  }

  public func fileExists(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: path)
  }

  public func contentsOfDirectory(_ path: String) throws(RenderError) -> [String] {
    do {
      return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    } catch {
      throw RenderError(file: path, message: "cannot list directory")
    }
  }

  public func resolvingSymlinks(_ path: String) throws(RenderError) -> String {
    guard let resolved = realpath(path, nil) else {
      throw RenderError(file: path, message: "cannot resolve path: \(String(cString: strerror(errno)))")
    }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
