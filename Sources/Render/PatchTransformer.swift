public import Manifest

/// `patches`, `patchesStrategicMerge` and `patchesJson6902` of one kustomization.
public struct PatchTransformer: Sendable {
  enum Body: Sendable {
    case strategicMerge([TextedDocument])
    case json6902([Value])
  }

  struct Patch: Sendable {
    var field: String
    var body: Body
    var target: PatchTarget?
    var allowNameChange: Bool
    var allowKindChange: Bool
    /// kustomize applies a patch with a target, and every patchesStrategicMerge patch, through
    /// a step that first rewrites the patch's labels and annotations as strings.
    var isLegacyStrategicMerge = false

    var rewritesMetadataAsText: Bool { isLegacyStrategicMerge || target != nil }
  }

  let file: String
  let patches: [Patch]
  let legacyStrategicMerge: [Patch]
  let legacyJSON6902: [Patch]

  public init(kustomization: Value, kustomizationFile: String, directory: String, fileSystem: any FileSystem)
    throws(RenderError)
  {
    file = kustomizationFile
    var fields = FieldReader(value: kustomization, file: kustomizationFile, keys: .ignoringCase)
    let reader = PatchReader(file: kustomizationFile, directory: directory, fileSystem: fileSystem)
    do {
      patches = try (fields.optionalList("patches") ?? []).map { (path, item) throws(RenderError) in
        try reader.patchEntry(item, field: path)
      }
      legacyStrategicMerge = try (fields.optionalList("patchesStrategicMerge") ?? []).map {
        (path, item) throws(RenderError) in
        guard let text = item.stringValue else {
          throw RenderError(file: kustomizationFile, field: path, message: "expected a file path or an inline patch")
        }
        let body = text.contains("\n") ? text : try reader.readPatchFile(text, field: path)
        let documents = try reader.parse(body, field: path).filter { $0.value.objectValue?.isEmpty != true }
        return Patch(
          field: path, body: .strategicMerge(documents), target: nil, allowNameChange: false, allowKindChange: false,
          isLegacyStrategicMerge: true)
      }
      if !legacyStrategicMerge.isEmpty, legacyStrategicMerge.allSatisfy({ patch in
        if case .strategicMerge(let documents) = patch.body { return documents.isEmpty }
        return false
      }) {
        throw RenderError(file: kustomizationFile, field: "patchesStrategicMerge", message: "the patches are empty (kustomize refuses that)")
      }
      legacyJSON6902 = try (fields.optionalList("patchesJson6902") ?? []).map { (path, item) throws(RenderError) in
        try reader.json6902Entry(item, field: path)
      }
    } catch let error as FieldError {
      throw RenderError(file: error.file, field: error.field, message: error.message)
    } catch let error as RenderError {
      throw error
    } catch {
      throw RenderError(file: kustomizationFile, message: "\(error)")
    }
  }

  public func applyStrategicMergeLegacy(to resources: inout [Resource]) throws(RenderError) {
    for patch in legacyStrategicMerge { try apply(patch, to: &resources) }
  }

  public func applyPatches(to resources: inout [Resource]) throws(RenderError) {
    for patch in patches { try apply(patch, to: &resources) }
  }

  public func applyJSON6902Legacy(to resources: inout [Resource]) throws(RenderError) {
    for patch in legacyJSON6902 { try apply(patch, to: &resources) }
  }

  private func apply(_ patch: Patch, to resources: inout [Resource]) throws(RenderError) {
    switch patch.body {
    case .json6902(let operations):
      guard let target = patch.target else {
        throw RenderError(file: file, field: patch.field, message: "a JSON 6902 patch needs a target")
      }
      let matches = resources.indices.filter { target.matches(resources[$0]) }
      for index in matches {
        do {
          // The patch sees the object as JSON, so annotations as what YAML reads them as.
          let patched = try JSONPatch.apply(operations, to: AnnotationText.typed(resources[index]))
          try commit(patched, to: &resources[index], patch: patch)
          AnnotationText.afterJSONPatch(&resources[index])
        } catch let error as PatchError {
          throw RenderError(file: file, field: patch.field, message: "\(resources[index].id): \(error.message)")
        } catch let error as RenderError {
          throw error
        } catch {
          throw RenderError(file: file, field: patch.field, message: "\(error)")
        }
      }
    case .strategicMerge(let documents):
      for texted in documents {
        var document = texted.value
        if patch.rewritesMetadataAsText {
          document = try AnnotationText.stringifyMetadata(
            document, text: texted.metadataText.root, origin: file, field: patch.field)
        }
        let matches: [Int]
        if let target = patch.target {
          matches = resources.indices.filter { target.matches(resources[$0]) }
        } else {
          matches = resources.indices.filter { Self.patchNames(document, resources[$0]) }
          if matches.isEmpty {
            let id = document.objectID?.description ?? "the patch's object"
            throw RenderError(
              file: file, field: patch.field, message: "no resource matches \(id); failed to find a target for the patch")
          }
        }
        var deleted: Set<Int> = []
        for index in matches {
          var body = document
          if patch.target != nil {
            // With an explicit target the patch's own identity is ignored, as in kustomize,
            // unless its options let the patch rename or retype the object.
            body["metadata"] = body["metadata"].map { meta in
              var m = meta
              if !patch.allowNameChange || m["name"] == nil { m["name"] = resources[index].object["metadata"]?["name"] }
              m["namespace"] = resources[index].object["metadata"]?["namespace"]
              return m
            }
            if !patch.allowKindChange || body["kind"] == nil {
              body["kind"] = resources[index].object["kind"]
              body["apiVersion"] = resources[index].object["apiVersion"]
            }
          } else {
            body["metadata"]?["name"] = resources[index].object["metadata"]?["name"]
            if body["metadata"]?["namespace"] != nil {
              body["metadata"]?["namespace"] = resources[index].object["metadata"]?["namespace"]
            }
          }
          do {
            guard let patched = try StrategicMerge.apply(body, to: resources[index].object) else {
              deleted.insert(index)
              continue
            }
            try commit(patched, to: &resources[index], patch: patch)
            AnnotationText.afterMerge(
              &resources[index], patch: body[path: AnnotationText.path], text: texted.metadataText.root.annotations)
          } catch let error as PatchError {
            throw RenderError(file: file, field: patch.field, message: "\(resources[index].id): \(error.message)")
          } catch let error as RenderError {
            throw error
          } catch {
            throw RenderError(file: file, field: patch.field, message: "\(error)")
          }
        }
        resources = resources.enumerated().filter { !deleted.contains($0.offset) }.map(\.element)
      }
    }
  }

  /// A patch may not rename or retype an object unless its options allow it.
  private func commit(_ patched: Value, to resource: inout Resource, patch: Patch) throws(RenderError) {
    let before = resource.object
    if patched.objectName != before.objectName && !patch.allowNameChange {
      throw RenderError(
        file: file, field: patch.field,
        message: "\(resource.id): the patch changes metadata.name; set options.allowNameChange: true to allow it")
    }
    if patched.kind != before.kind && !patch.allowKindChange {
      throw RenderError(
        file: file, field: patch.field,
        message: "\(resource.id): the patch changes kind; set options.allowKindChange: true to allow it")
    }
    if patched.objectID != before.objectID { resource.rememberCurrentID() }
    resource.object = patched
  }

  /// Without a target a strategic-merge patch names its object by kind and name (current or
  /// earlier); a namespace in the patch must match too.
  static func patchNames(_ document: Value, _ resource: Resource) -> Bool {
    guard let kind = document.kind, let name = document.objectName else { return false }
    let group = document.objectGVK?.group ?? ""
    return ([resource.id] + resource.previousIDs).contains { id in
      id.gvk.kind == kind && id.gvk.group == group && id.name == name
        && (document.objectNamespace == nil || document.objectNamespace == id.namespace)
    }
  }
}
