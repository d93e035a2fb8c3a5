import Manifest

/// Objects of one resource file: every YAML document, `List` kinds expanded into their items
/// as kustomize expands them. A file of one `kind: List` document is unwrapped as read, its
/// items' nodes kept; any other `…List` (or a List among other documents) goes through JSON,
/// which retypes its items' annotations, and its items join the file's objects after the
/// documents that follow it.
enum ResourceFile {
  static func read(_ path: String, fileSystem: any FileSystem) throws(RenderError) -> [Resource] {
    let documents: [TextedDocument]
    do {
      let text = try fileSystem.readFile(path)
      if let separator = DocumentSeparator.firstInvalid(in: text) {
        throw RenderError(file: path, line: separator.line, message: "invalid document separator: \(separator.text)")
      }
      documents = try YAMLReader.textedDocuments(text, file: path)
    } catch let error as ManifestError {
      throw RenderError(error)
    } catch let error as RenderError {
      throw error
    } catch {
      throw RenderError(file: path, message: "\(error)")
    }
    for (index, document) in documents.enumerated() where document.value.objectValue == nil {
      throw RenderError(
        file: path, message: "document \(index + 1) is \(document.value.typeDescription), not a Kubernetes object")
    }
    // (object, its labels' and annotations' text when its nodes were kept, document number)
    var queue: [(Value, MetadataText?, Int)] = []
    if documents.count == 1, documents[0].value.kind == "List", documents[0].value.objectValue?.keys.contains("items") == true {
      let items = documents[0].value["items"] ?? .null
      guard items.isNull || items.arrayValue != nil else {
        throw RenderError(file: path, field: "items", message: "document 1 (List): expected a list, got \(items.typeDescription)")
      }
      for (i, item) in (items.arrayValue ?? []).enumerated() {
        queue.append((item, documents[0].metadataText.items[i] ?? MetadataText(), 1))
      }
    } else {
      queue = documents.enumerated().map { ($0.element.value, $0.element.metadataText.root, $0.offset + 1) }
    }
    var resources: [Resource] = []
    while !queue.isEmpty {
      var (object, text, number) = queue.removeFirst()
      if let kind = object.kind, kind.hasSuffix("List"), object.objectValue?.keys.contains("items") == true {
        let items = object["items"] ?? .null
        guard items.isNull || items.arrayValue != nil else {
          throw RenderError(
            file: path, field: "items", message: "document \(number) (\(kind)): expected a list, got \(items.typeDescription)")
        }
        queue += (items.arrayValue ?? []).map { ($0, nil, number) }
        continue
      }
      guard object.objectValue != nil else {
        throw RenderError(file: path, message: "document \(number): an item is \(object.typeDescription), not a Kubernetes object")
      }
      try validate(object, file: path, index: number - 1)
      var resource = Resource(object: object, origin: path)
      resource.plainAnnotations = AnnotationText.read(&resource.object, text: text?.annotations ?? [:])
      resources.append(resource)
    }
    return resources
  }

  /// kustomize asks only for kind and metadata.name; apiVersion may be left out.
  static func validate(_ object: Value, file: String, index: Int) throws(RenderError) {
    let where_ = "document \(index + 1)"
    guard let kind = object["kind"], kind.stringValue?.isEmpty == false else {
      throw RenderError(file: file, field: "kind", message: "\(where_) has no kind")
    }
    guard object.objectName?.isEmpty == false else {
      throw RenderError(
        file: file, field: "metadata.name", message: "\(where_) (\(object.kind ?? "?")) has no metadata.name")
    }
  }
}
