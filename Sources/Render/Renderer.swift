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
      resource.object.annotations["config.kubernetes.io/local-config"].map { Self.annotationText($0) != "false" } ?? false
    }
    for resource in resources {
      try NonFiniteNumbers.check(resource.object, file: resource.origin, what: "\(resource.id)")
    }
    let objects = resources.map { Self.dropEmptyAnnotations($0.object) }
    switch top.sortOrder {
    case .fifo?:
      return objects
    case .legacy(let first, let last)?:
      return LegacyOrder(first: first ?? LegacyOrder.defaultFirst, last: last ?? LegacyOrder.defaultLast).sorted(objects)
    case nil:
      return LegacyOrder().sorted(objects)
    }
  }

  /// kustomize strips its internal build annotations from every object on output and, with
  /// them, an annotations map left empty; empty labels stay. Writing the map back makes every
  /// annotation a string: a scalar a patch put there as its text, a list or map "" (those read
  /// from resource files were read as their text already).
  static func dropEmptyAnnotations(_ object: Value) -> Value {
    guard let annotations = object[path: ["metadata", "annotations"]]?.objectValue else { return object }
    var copy = object
    if annotations.isEmpty {
      copy[path: ["metadata", "annotations"]] = nil
    } else if annotations.values.contains(where: { $0.stringValue == nil }) {
      copy[path: ["metadata", "annotations"]] = .object(annotations.mapValues { .string(Self.annotationText($0)) })
    }
    return copy
  }

  static func annotationText(_ value: Value) -> String {
    switch value {
    case .string(let text): return text
    case .int(let number): return String(number)
    case .bool(let flag): return flag ? "true" : "false"
    case .float(let number): return YAMLWriter.string(.float(number)).split(separator: "\n").first.map(String.init) ?? ""
    case .null: return "null"
    case .array, .object: return ""
    }
  }
}
