internal import Foundation
public import Render

/// An environment repo on disk: `environments/<name>/` overlays beside `templates/`.
public struct EnvironmentRepository: Sendable {
  public let root: String
  public let fileSystem: any FileSystem

  public init(root: String, fileSystem: any FileSystem = DiskFileSystem()) {
    self.root = root
    self.fileSystem = fileSystem
  }

  /// The repo around `directory`: the nearest ancestor holding `environments/`, else the
  /// nearest holding `.git`.
  public static func locate(from directory: String, fileSystem: any FileSystem = DiskFileSystem())
    throws(EnvironmentError) -> EnvironmentRepository
  {
    var current = URL(fileURLWithPath: directory).standardizedFileURL.path
    while true {
      if fileSystem.isDirectory(current + "/environments") || fileSystem.fileExists(current + "/.git") {
        return EnvironmentRepository(root: current, fileSystem: fileSystem)
      }
      let parent = (current as NSString).deletingLastPathComponent
      if parent == current || parent.isEmpty { break }
      current = parent
    }
    throw EnvironmentError(
      file: directory, message: "not inside an environment repo (no environments/ directory or .git above it); pass --repo DIR")
  }

  public var environmentsDirectory: String { root + "/environments" }

  /// Environment names, sorted: every directory under environments/ with a kustomization.
  public func environmentNames() throws(EnvironmentError) -> [String] {
    guard fileSystem.isDirectory(environmentsDirectory) else {
      throw EnvironmentError(file: environmentsDirectory, message: "no environments/ directory in the repo")
    }
    let entries: [String]
    do {
      entries = try fileSystem.contentsOfDirectory(environmentsDirectory)
    } catch {
      throw EnvironmentError(file: environmentsDirectory, message: error.message)
    }
    return entries.filter { name in
      let dir = environmentsDirectory + "/" + name
      return fileSystem.isDirectory(dir)
        && ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains { fileSystem.fileExists(dir + "/" + $0) }
    }.sorted()
  }

  /// The overlay directory of one environment; unknown names list the known ones.
  public func directory(of environment: String) throws(EnvironmentError) -> String {
    let names = try environmentNames()
    guard names.contains(environment) else {
      let known = names.isEmpty ? "none" : names.joined(separator: ", ")
      throw EnvironmentError(
        file: environmentsDirectory, message: "unknown environment \"\(environment)\" (known: \(known))")
    }
    return environmentsDirectory + "/" + environment
  }

  /// The environment's `release.yaml`, validated.
  public func config(of environment: String) throws(EnvironmentError) -> EnvironmentConfig {
    let file = try directory(of: environment) + "/release.yaml"
    guard fileSystem.fileExists(file) else {
      throw EnvironmentError(file: relative(file), message: "missing: every environment needs a release.yaml naming its cluster")
    }
    let text: String
    do {
      text = try fileSystem.readFile(file)
    } catch {
      throw EnvironmentError(file: relative(file), message: error.message)
    }
    return try EnvironmentConfig(parsing: text, file: relative(file))
  }

  /// A path as the user reads it in messages: relative to the repo root when inside it.
  public func relative(_ path: String) -> String {
    path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
  }
}
