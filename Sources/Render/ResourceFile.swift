import Manifest

/// Objects of one resource file: every YAML document, `List` kinds expanded into their items.
enum ResourceFile {
  static func read(_ path: String, fileSystem: any FileSystem) throws(RenderError) -> [Resource] {
    let documents: [Value]
    do {
      documents = try YAMLReader.documents(try fileSystem.readFile(path), file: path, annotationsAsText: true)
    } catch let error as ManifestError {
      throw RenderError(error)
    } catch let error as RenderError {
      throw error
    } catch {
      throw RenderError(file: path, message: "\(error)")
    }
    var resources: [Resource] = []
    for (index, document) in documents.enumerated() {
      for object in try expand(document, file: path, index: index) {
        resources.append(Resource(object: object, origin: path))
      }
    }
    return resources
  }

  static func expand(_ document: Value, file: String, index: Int) throws(RenderError) -> [Value] {
    guard document.objectValue != nil else {
      throw RenderError(file: file, message: "document \(index + 1) is \(document.typeDescription), not a Kubernetes object")
    }
    if let kind = document.kind, kind.hasSuffix("List"), let items = document["items"]?.arrayValue {
      var objects: [Value] = []
      for item in items { objects += try expand(item, file: file, index: index) }
      return objects
    }
    try validate(document, file: file, index: index)
    return [document]
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
