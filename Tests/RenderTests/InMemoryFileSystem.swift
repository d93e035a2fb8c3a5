import Render

/// A file tree in memory for loader tests: paths are absolute ("/repo/base/kustomization.yaml").
struct InMemoryFileSystem: FileSystem {
  var files: [String: String]
  /// Files that are not text, by path; listed in `files` too (with any text) to exist.
  var bytes: [String: [UInt8]]

  init(_ files: [String: String], bytes: [String: [UInt8]] = [:]) {
    self.files = files.merging(bytes.mapValues { _ in "" }) { text, _ in text }
    self.bytes = bytes
  }

  func readFile(_ path: String) throws(RenderError) -> String {
    guard let text = files[path] else { throw RenderError(file: path, message: "cannot read file") }
    return text
  }

  func readBytes(_ path: String) throws(RenderError) -> [UInt8] {
    if let data = bytes[path] { return data }
    return Array(try readFile(path).utf8)
  }

  func isDirectory(_ path: String) -> Bool {
    let prefix = path.hasSuffix("/") ? path : path + "/"
    return files.keys.contains { $0.hasPrefix(prefix) }
  }

  func fileExists(_ path: String) -> Bool { files[path] != nil || isDirectory(path) }

  func contentsOfDirectory(_ path: String) throws(RenderError) -> [String] {
    let prefix = path + "/"
    let names = files.keys.filter { $0.hasPrefix(prefix) }.compactMap { $0.dropFirst(prefix.count).split(separator: "/").first.map(String.init) }
    return Array(Set(names)).sorted()
  }
}
