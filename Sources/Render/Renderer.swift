public import Manifest

/// DRAFT: entry point of the kustomize-compatible engine; built in the rendering issue.
public struct Renderer: Sendable {
  public let fileSystem: any FileSystem
  public init(fileSystem: any FileSystem) { self.fileSystem = fileSystem }
}
