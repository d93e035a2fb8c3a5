public import Manifest

/// The kustomize-compatible build: `render(directory:)` gives the objects `kustomize build DIR`
/// gives. Reads only through `FileSystem`, so a git tree can stand in for a directory.
public struct Renderer: Sendable {
  public let fileSystem: any FileSystem

  public init(fileSystem: any FileSystem) { self.fileSystem = fileSystem }

  /// Objects in kustomize's output order (legacy kind order unless the top-level
  /// kustomization's `sortOptions` says otherwise). `directory` is absolute.
  public func render(directory: String) throws(RenderError) -> [Value] {
    let root = PathName.normalize(directory)
    var builder = KustomizationBuilder(fileSystem: fileSystem)
    let top = try builder.loadKustomization(in: root, referencedFrom: nil)
    if top.isComponent {
      throw RenderError(file: top.file, field: "kind", message: "a Component cannot be built on its own; list it under components: of a Kustomization")
    }
    var resources = try builder.build(top, stack: [], inherited: nil)
    try HashSuffixTransformer().apply(to: &resources)
    try NameReferenceTransformer().apply(to: &resources)
    // Objects marked local-config served the build (a replacement's source, say) and are
    // dropped from its output once every transformer has run, as kustomize drops them.
    resources.removeAll { resource in
      resource.object.annotations["config.kubernetes.io/local-config"].map { AnnotationText.copiedText($0) != "false" } ?? false
    }
    for resource in resources {
      try NonFiniteNumbers.check(resource.object, file: resource.origin, what: "\(resource.id)")
    }
    var objects: [Value] = []
    for resource in resources { objects.append(try AnnotationText.written(resource)) }
    switch top.sortOrder {
    case .fifo?:
      return objects
    case .legacy(let first, let last)?:
      return LegacyOrder(first: first ?? LegacyOrder.defaultFirst, last: last ?? LegacyOrder.defaultLast).sorted(objects)
    case nil:
      return LegacyOrder().sorted(objects)
    }
  }
}
