public import EnvironmentRepo
internal import Foundation
public import Manifest
public import Render

/// The objects of one environment (or one directory), in kustomize's output order.
public struct EnvironmentRender: Sendable {
  public var name: String
  public var objects: [Value]

  public init(name: String, objects: [Value]) {
    self.name = name
    self.objects = objects
  }
}

/// Renders environments of a repo; `--all` renders them concurrently and keeps name order.
public struct EnvironmentRenderer: Sendable {
  public let repository: EnvironmentRepository

  public init(repository: EnvironmentRepository) { self.repository = repository }

  public func render(environment: String) async throws -> EnvironmentRender {
    let directory: String
    do {
      directory = try repository.directory(of: environment)
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
    return try Self.render(directory: directory, label: environment, relativeTo: repository.root, fileSystem: repository.fileSystem)
  }

  public func renderAll() async throws -> [EnvironmentRender] {
    let names: [String]
    do {
      names = try repository.environmentNames()
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
    return try await withThrowingTaskGroup(of: (Int, EnvironmentRender).self) { group in
      for (index, name) in names.enumerated() {
        group.addTask { (index, try await render(environment: name)) }
      }
      var results = [EnvironmentRender?](repeating: nil, count: names.count)
      for try await (index, render) in group { results[index] = render }
      return results.compactMap { $0 }
    }
  }

  public static func render(
    directory: String, label: String, relativeTo base: String, fileSystem: any FileSystem = DiskFileSystem()
  ) throws -> EnvironmentRender {
    do {
      let objects = try Renderer(fileSystem: fileSystem).render(directory: directory)
      return EnvironmentRender(name: label, objects: objects)
    } catch {
      throw ReleaseFailure.badInput(PathDisplay.relativize("\(error)", to: base))
    }
  }
}

/// Messages name files relative to where the user is, not by absolute path.
public enum PathDisplay {
  public static func relativize(_ message: String, to base: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    var text = message
    for prefix in [cwd + "/", base + "/"] where prefix.count > 1 {
      text = text.replacingOccurrences(of: prefix, with: "")
    }
    return text
  }
}
