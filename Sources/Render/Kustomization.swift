public import Manifest

/// One `kustomization.yaml` (or Component), validated field by field. Fields other parts of the
/// pipeline interpret (patches, generators, replacements) are kept raw in `document` and read
/// by their transformers.
public struct Kustomization: Sendable {
  public static let fileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

  public var file: String
  public var directory: String
  public var document: Value
  public var isComponent: Bool
  public var resources: [String]
  public var components: [String]
  public var namespace: String?
  public var namePrefix: String?
  public var nameSuffix: String?
  public var commonLabels: [(String, String)]
  public var labels: [LabelSet]
  public var commonAnnotations: [(String, String)]
  public var images: [ImageOverride]
  public var replicas: [ReplicaOverride]
  public var sortOrder: SortOrder?

  public struct LabelSet: Sendable {
    public var pairs: [(String, String)]
    public var includeSelectors: Bool
    public var includeTemplates: Bool
    /// `fields`: more places for these labels, before the built-in ones.
    public var fields: [FieldSpec] = []
  }

  public struct ImageOverride: Sendable, Equatable {
    public var name: String
    public var newName: String?
    public var newTag: String?
    public var digest: String?
    /// Appended to the image's tag when neither newTag nor digest is given.
    public var tagSuffix: String?

    public init(name: String, newName: String? = nil, newTag: String? = nil, digest: String? = nil, tagSuffix: String? = nil) {
      self.name = name
      self.newName = newName
      self.newTag = newTag
      self.digest = digest
      self.tagSuffix = tagSuffix
    }
  }

  public struct ReplicaOverride: Sendable, Equatable {
    public var name: String
    public var count: Int64

    public init(name: String, count: Int64) {
      self.name = name
      self.count = count
    }
  }

  public enum SortOrder: Sendable, Equatable {
    case fifo
    case legacy(orderFirst: [String]?, orderLast: [String]?)
  }

  /// Fields interpreted by other transformers; listed so they are not reported as unknown.
  static let delegatedFields = [
    "patches", "patchesStrategicMerge", "patchesJson6902", "configMapGenerator", "secretGenerator",
    "generatorOptions", "replacements",
  ]

  /// Kustomize fields that `release render` refuses rather than ignores.
  static let unsupportedFields = [
    "vars", "helmCharts", "helmGlobals", "helmChartInflationGenerator", "transformers", "generators",
    "validators", "configurations", "crds", "openapi", "buildMetadata", "inventory",
  ]

  public init(document: Value, file: String) throws(RenderError) {
    do {
      try self.init(checking: document, file: file)
    } catch {
      throw RenderError(file: error.file, field: error.field, message: error.message)
    }
  }

  private init(checking document: Value, file: String) throws(FieldError) {
    self.file = file
    self.directory = PathName.parent(file)
    self.document = document.isNull ? .object([:]) : document
    var fields = FieldReader(value: self.document, file: file, keys: .ignoringCase)
    guard self.document.objectValue != nil else {
      throw FieldError(file: file, field: nil, message: "expected a map of kustomization fields, got \(document.typeDescription)")
    }
    let apiVersion = try fields.optionalString("apiVersion")
    let kind = try fields.optionalString("kind") ?? "Kustomization"
    switch kind {
    case "Kustomization":
      isComponent = false
      if let apiVersion, apiVersion != "kustomize.config.k8s.io/v1beta1" {
        throw fields.error("apiVersion", "expected kustomize.config.k8s.io/v1beta1 for kind Kustomization, got \(apiVersion)")
      }
    case "Component":
      isComponent = true
      if let apiVersion, apiVersion != "kustomize.config.k8s.io/v1alpha1" {
        throw fields.error("apiVersion", "expected kustomize.config.k8s.io/v1alpha1 for kind Component, got \(apiVersion)")
      }
    default:
      throw fields.error("kind", "expected Kustomization or Component, got \(kind)")
    }
    if let metadata = try fields.optionalMap("metadata") {
      _ = metadata  // metadata.name and annotations are informational, as in kustomize
    }
    resources = (try fields.optionalStringList("resources") ?? []) + (try fields.optionalStringList("bases") ?? [])
    components = try fields.optionalStringList("components") ?? []
    namespace = try fields.optionalString("namespace")
    namePrefix = try fields.optionalString("namePrefix")
    nameSuffix = try fields.optionalString("nameSuffix")
    commonLabels = try fields.optionalStringMap("commonLabels") ?? []
    commonAnnotations = try fields.optionalStringMap("commonAnnotations") ?? []
    labels = try Self.parseLabels(&fields)
    // imageTags is the older name; kustomize appends its entries to those of images.
    images = try Self.parseImages(&fields, "images") + Self.parseImages(&fields, "imageTags")
    replicas = try Self.parseReplicas(&fields)
    sortOrder = try Self.parseSortOptions(&fields)
    for field in Self.delegatedFields { fields.accept(field) }
    if let unsupported = Self.unsupportedFields.first(where: { fields.contains($0) }) {
      throw fields.error(unsupported, "is not supported by release render")
    }
    try fields.rejectUnknownKeys()
  }

  private static func parseLabels(_ fields: inout FieldReader) throws(FieldError) -> [LabelSet] {
    var result: [LabelSet] = []
    for (path, item) in try fields.optionalList("labels") ?? [] {
      var entry = FieldReader(value: item, file: fields.file, path: path, keys: .ignoringCase)
      let pairs = try entry.optionalStringMap("pairs") ?? []
      let includeSelectors = try entry.optionalBool("includeSelectors") ?? false
      let includeTemplates = try entry.optionalBool("includeTemplates") ?? false
      var specs: [FieldSpec] = []
      for (specPath, specItem) in try entry.optionalList("fields") ?? [] {
        var spec = FieldReader(value: specItem, file: fields.file, path: specPath, keys: .ignoringCase)
        let fieldPath = try spec.optionalString("path") ?? ""
        // kustomize walks the path and fails on its first empty step.
        if fieldPath.isEmpty || fieldPath.split(separator: "/", omittingEmptySubsequences: false).contains("") {
          throw spec.error("path", "cannot set or create an empty field name")
        }
        specs.append(
          FieldSpec(
            fieldPath, kind: try spec.optionalString("kind"), group: try spec.optionalString("group"),
            version: try spec.optionalString("version"), create: try spec.optionalBool("create") ?? false))
        try spec.rejectUnknownKeys()
      }
      try entry.rejectUnknownKeys()
      result.append(
        LabelSet(pairs: pairs, includeSelectors: includeSelectors, includeTemplates: includeTemplates, fields: specs))
    }
    return result
  }

  private static func parseImages(_ fields: inout FieldReader, _ key: String) throws(FieldError) -> [ImageOverride] {
    var result: [ImageOverride] = []
    for (path, item) in try fields.optionalList(key) ?? [] {
      var entry = FieldReader(value: item, file: fields.file, path: path, keys: .ignoringCase)
      let name = try entry.requireString("name")
      let newName = try entry.optionalString("newName")
      // A number is not a tag here: kustomize refuses `newTag: 2` (a string field), so must we.
      let newTag = try entry.optionalString("newTag")
      let digest = try entry.optionalString("digest")
      let tagSuffix = try entry.optionalString("tagSuffix")
      try entry.rejectUnknownKeys()
      result.append(ImageOverride(name: name, newName: newName, newTag: newTag, digest: digest, tagSuffix: tagSuffix))
    }
    return result
  }

  private static func parseReplicas(_ fields: inout FieldReader) throws(FieldError) -> [ReplicaOverride] {
    var result: [ReplicaOverride] = []
    for (path, item) in try fields.optionalList("replicas") ?? [] {
      var entry = FieldReader(value: item, file: fields.file, path: path, keys: .ignoringCase)
      let name = try entry.requireString("name")
      guard let count = try entry.optionalInt("count") else { throw entry.error("count", "required field is missing") }
      try entry.rejectUnknownKeys()
      result.append(ReplicaOverride(name: name, count: count))
    }
    return result
  }

  private static func parseSortOptions(_ fields: inout FieldReader) throws(FieldError) -> SortOrder? {
    guard var options = try fields.optionalMap("sortOptions") else { return nil }
    let order = try options.requireString("order")
    var sortOrder: SortOrder
    switch order {
    case "fifo": sortOrder = .fifo
    case "legacy": sortOrder = .legacy(orderFirst: nil, orderLast: nil)
    default: throw options.error("order", "expected legacy or fifo, got \(order)")
    }
    if var legacy = try options.optionalMap("legacySortOptions") {
      guard order == "legacy" else { throw options.error("legacySortOptions", "only allowed with order: legacy") }
      sortOrder = .legacy(
        orderFirst: try legacy.optionalStringList("orderFirst"), orderLast: try legacy.optionalStringList("orderLast"))
      try legacy.rejectUnknownKeys()
    }
    try options.rejectUnknownKeys()
    return sortOrder
  }
}
