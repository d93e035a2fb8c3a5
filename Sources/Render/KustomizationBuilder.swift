import Manifest

/// Builds one kustomization: its resources (files and nested kustomizations, each built with
/// its own transformers first), components, generators, then transformers in kustomize v5's
/// order. Hash suffixes and name references are settled once, at the top (see Renderer).
struct KustomizationBuilder {
  let fileSystem: any FileSystem

  init(fileSystem: any FileSystem) { self.fileSystem = fileSystem }

  func loadKustomization(in directory: String, referencedFrom: (file: String, field: String)?) throws(RenderError)
    -> Kustomization
  {
    guard fileSystem.isDirectory(directory) else {
      if let referencedFrom {
        throw RenderError(file: referencedFrom.file, field: referencedFrom.field, message: "\(directory): no such directory")
      }
      throw RenderError(file: directory, message: "no such directory")
    }
    let present = Kustomization.fileNames.filter { fileSystem.fileExists(directory + "/" + $0) }
    guard let name = present.first else {
      throw RenderError(
        file: directory,
        message: "no kustomization.yaml, kustomization.yml or Kustomization in this directory"
          + (referencedFrom.map { " (referenced from \($0.file): \($0.field))" } ?? ""))
    }
    if present.count > 1 {
      throw RenderError(file: directory, message: "found more than one kustomization file: \(present.joined(separator: ", "))")
    }
    let file = directory + "/" + name
    // The kustomization file itself is held to its directory, as kustomize holds it: a link
    // to a kustomization elsewhere would smuggle in another root's files.
    let resolved = try fileSystem.resolvingSymlinks(file)
    guard PathName.isWithin(resolved, root: try fileSystem.resolvingSymlinks(directory)) else {
      throw RenderError(
        file: file,
        message: "security; this kustomization file is a symbolic link to \(resolved), outside \(directory) (kustomize's load restrictions)")
    }
    let document: Value
    do {
      document = try YAMLReader.document(try fileSystem.readFile(file), file: file, schema: .yaml11)
    } catch let error as ManifestError {
      throw RenderError(error)
    } catch let error as RenderError {
      throw error
    } catch {
      throw RenderError(file: file, message: "\(error)")
    }
    try NonFiniteNumbers.check(document, file: file, what: "invalid kustomization")
    // kustomize refuses a kustomization that sets nothing but its apiVersion and kind (a
    // field left null, "", false or 0 sets nothing; an empty list or map does).
    let setsSomething = (document.objectValue ?? [:]).contains { key, value in
      guard key != "apiVersion" && key != "kind" else { return false }
      switch value {
      case .null: return false
      case .string(let text): return !text.isEmpty
      case .bool(let flag): return flag
      case .int(let number): return number != 0
      default: return true
      }
    }
    if !setsSomething {
      throw RenderError(file: file, message: "kustomization.yaml is empty: it sets no field, and kustomize refuses it")
    }
    return try Kustomization(document: document, file: file)
  }

  /// `inherited`: the accumulated resources a Component transforms in place of its own base.
  mutating func build(_ kustomization: Kustomization, stack: [String], inherited: [Resource]?) throws(RenderError)
    -> [Resource]
  {
    let directory = kustomization.directory
    if let start = stack.firstIndex(of: directory) {
      let cycle = (stack[start...] + [directory]).joined(separator: " -> ")
      throw RenderError(file: kustomization.file, field: "resources", message: "cycle in kustomizations: \(cycle)")
    }
    let stack = stack + [directory]
    var resources = inherited ?? []

    for (index, entry) in kustomization.resources.enumerated() {
      let field = "resources[\(index)]"
      let loaded = try loadResources(entry, of: kustomization, field: field, stack: stack)
      try ResourceAccumulator.append(loaded, to: &resources, file: kustomization.file, field: field)
    }

    for (index, entry) in kustomization.components.enumerated() {
      let field = "components[\(index)]"
      let path = PathName.join(directory, entry)
      let component = try loadKustomization(in: path, referencedFrom: (kustomization.file, field))
      guard component.isComponent else {
        throw RenderError(
          file: kustomization.file, field: field,
          message: "\(entry) is a Kustomization; components: lists kind: Component kustomizations")
      }
      resources = try build(component, stack: stack, inherited: resources)
    }

    try transform(&resources, with: kustomization)
    return resources
  }

  private mutating func loadResources(_ entry: String, of kustomization: Kustomization, field: String, stack: [String])
    throws(RenderError) -> [Resource]
  {
    if entry.contains("://") || entry.hasPrefix("github.com/") || entry.hasPrefix("git@") {
      throw RenderError(
        file: kustomization.file, field: field, message: "remote resource \(entry) is not supported by release render")
    }
    let path = PathName.join(kustomization.directory, entry)
    if fileSystem.isDirectory(path) {
      let nested = try loadKustomization(in: path, referencedFrom: (kustomization.file, field))
      if nested.isComponent {
        throw RenderError(
          file: kustomization.file, field: field, message: "\(entry) is a Component; list it under components:")
      }
      return try build(nested, stack: stack, inherited: nil)
    }
    guard fileSystem.fileExists(path) else {
      throw RenderError(file: kustomization.file, field: field, message: "\(entry): no such file or directory")
    }
    let restrictions = LoadRestrictions(fileSystem: fileSystem, file: kustomization.file, directory: kustomization.directory)
    return try ResourceFile.read(try restrictions.checkedPath(entry, field: field), fileSystem: fileSystem)
  }

  /// Generators, then kustomize's builtin transformer order.
  private func transform(_ resources: inout [Resource], with k: Kustomization) throws(RenderError) {
    let context = (document: k.document, file: k.file, directory: k.directory)
    try GeneratorTransformer(
      kustomization: context.document, kustomizationFile: context.file, directory: context.directory,
      fileSystem: fileSystem
    ).apply(to: &resources)
    let patches = try PatchTransformer(
      kustomization: context.document, kustomizationFile: context.file, directory: context.directory,
      fileSystem: fileSystem)
    try patches.applyStrategicMergeLegacy(to: &resources)
    try patches.applyPatches(to: &resources)
    if let namespace = k.namespace {
      NamespaceTransformer(namespace: namespace).apply(to: &resources)
      var seen: Set<ResourceID> = []
      for resource in resources where !seen.insert(resource.id).inserted {
        throw RenderError(
          file: k.file, field: "namespace",
          message: "namespace transformation produces ID conflict: two objects become \(resource.id)")
      }
    }
    NameAffixTransformer(prefix: k.namePrefix, suffix: k.nameSuffix).apply(to: &resources)
    try LabelTransformer(labels: k.commonLabels, includeSelectors: true, includeTemplates: true).apply(to: &resources)
    for (index, set) in k.labels.enumerated() {
      try LabelTransformer(set, file: k.file, field: "labels[\(index)].fields").apply(to: &resources)
    }
    try AnnotationTransformer(annotations: k.commonAnnotations).apply(to: &resources)
    try patches.applyJSON6902Legacy(to: &resources)
    try ReplicaTransformer(overrides: k.replicas, file: k.file).apply(to: &resources)
    try ImageTransformer(overrides: k.images, file: k.file).apply(to: &resources)
    try ReplacementTransformer(
      kustomization: context.document, kustomizationFile: context.file, directory: context.directory,
      fileSystem: fileSystem
    ).apply(to: &resources)
  }
}
