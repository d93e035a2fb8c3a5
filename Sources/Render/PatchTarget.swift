public import Manifest

/// Which objects a patch applies to: kustomize's selector. group/version/kind/name/namespace
/// are regular expressions matched against the whole value (`name: web-.*`); label and
/// annotation selectors use Kubernetes selector syntax. An object matches through its current
/// identity or any earlier one (before prefixes, namespaces or hashes were applied).
public struct PatchTarget: Sendable {
  var group: String?
  var version: String?
  var kind: String?
  var name: String?
  var namespace: String?
  var labelSelector: LabelSelector?
  var annotationSelector: LabelSelector?

  public init(selector: Value, file: String, field: String) throws(RenderError) {
    var fields = FieldReader(value: selector, file: file, path: field, keys: .ignoringCase)
    do throws(FieldError) {
      group = try fields.optionalString("group")
      version = try fields.optionalString("version")
      kind = try fields.optionalString("kind")
      name = try fields.optionalString("name")
      namespace = try fields.optionalString("namespace")
      let labels = try fields.optionalString("labelSelector")
      let annotations = try fields.optionalString("annotationSelector")
      try fields.rejectUnknownKeys()
      do throws(PatchError) {
        labelSelector = try labels.map(LabelSelector.init(parsing:))
        annotationSelector = try annotations.map(LabelSelector.init(parsing:))
      } catch {
        throw FieldError(file: file, field: field, message: error.message)
      }
    } catch {
      throw RenderError(file: error.file, field: error.field, message: error.message)
    }
    for (key, pattern) in [("group", group), ("version", version), ("kind", kind), ("name", name), ("namespace", namespace)] {
      if let pattern, (try? Regex(pattern)) == nil {
        throw RenderError(file: file, field: "\(field).\(key)", message: "invalid regular expression \(pattern)")
      }
    }
  }

  public func matches(_ resource: Resource) -> Bool {
    let object = resource.object
    if let labelSelector, !labelSelector.matches(Self.strings(object.labels)) { return false }
    if let annotationSelector, !annotationSelector.matches(Self.strings(object.annotations)) { return false }
    let ids = [resource.id] + resource.previousIDs
    return ids.contains { id in
      Self.fullMatch(group, id.gvk.group) && Self.fullMatch(version, id.gvk.version)
        && Self.fullMatch(kind, id.gvk.kind) && Self.fullMatch(name, id.name)
        && Self.fullMatch(namespace, id.namespace ?? "")
    }
  }

  static let regexMetacharacters = Set(".*+?()[]{}|^$\\")

  static func fullMatch(_ pattern: String?, _ value: String) -> Bool {
    guard let pattern, !pattern.isEmpty else { return true }
    if pattern == value { return true }
    // Most selectors are plain names; compiling a Regex for them costs more than the build.
    if !pattern.contains(where: regexMetacharacters.contains) { return false }
    guard let regex = try? Regex(pattern) else { return false }
    return (try? regex.wholeMatch(in: value)) != nil
  }

  static func strings(_ map: some Sequence<(key: String, value: Value)>) -> [String: String] {
    var result: [String: String] = [:]
    for (k, v) in map { result[k] = v.stringValue ?? YAMLWriter.scalarText(v) }
    return result
  }
}
