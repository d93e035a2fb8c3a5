import Manifest

/// Adds resources to a build, refusing a second object with the same identity as kustomize does.
enum ResourceAccumulator {
  static func append(_ incoming: [Resource], to resources: inout [Resource], file: String, field: String)
    throws(RenderError)
  {
    var known = Set(resources.map(\.id))
    for resource in incoming {
      if !known.insert(resource.id).inserted {
        let first = resources.first { $0.id == resource.id }
        throw RenderError(
          file: file, field: field,
          message: "may not add resource with an already registered id: \(resource.id) (from \(resource.origin); first from \(first?.origin ?? "?"))")
      }
      resources.append(resource)
    }
  }
}
