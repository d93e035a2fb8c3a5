internal import Foundation

/// What the renderer reads overlays through: a directory today, a git tree at a commit later.
/// Paths are absolute and normalized ("/repo/environments/staging/kustomization.yaml").
public protocol FileSystem: Sendable {
  func readFile(_ path: String) throws(RenderError) -> String
  func isDirectory(_ path: String) -> Bool
  func fileExists(_ path: String) -> Bool
  /// Entry names (not paths) of a directory, sorted.
  func contentsOfDirectory(_ path: String) throws(RenderError) -> [String]
}

/// The local disk.
public struct DiskFileSystem: FileSystem {
  public init() {}

  public func readFile(_ path: String) throws(RenderError) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RenderError(file: path, message: "cannot read file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw RenderError(file: path, message: "file is not UTF-8 text")
    }
    return text
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
}
