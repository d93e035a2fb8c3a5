import Manifest

/// `generatorOptions` of a kustomization, or `options` of one generator.
struct GeneratorOptions: Sendable, Equatable {
  var labels: [(String, String)] = []
  var annotations: [(String, String)] = []
  var disableNameSuffixHash = false
  var immutable = false

  static func == (a: Self, b: Self) -> Bool {
    a.labels.map { [$0.0, $0.1] } == b.labels.map { [$0.0, $0.1] }
      && a.annotations.map { [$0.0, $0.1] } == b.annotations.map { [$0.0, $0.1] }
      && a.disableNameSuffixHash == b.disableNameSuffixHash && a.immutable == b.immutable
  }

  init() {}

  init(_ reader: FieldReader) throws(FieldError) {
    var fields = reader
    labels = try fields.optionalStringMap("labels") ?? []
    annotations = try fields.optionalStringMap("annotations") ?? []
    disableNameSuffixHash = try fields.optionalBool("disableNameSuffixHash") ?? false
    immutable = try fields.optionalBool("immutable") ?? false
    try fields.rejectUnknownKeys()
  }

  /// A generator's own options win; the kustomization-wide ones fill in (kustomize's
  /// MergeGlobalOptionsIntoLocal).
  func merged(overGlobal global: GeneratorOptions) -> GeneratorOptions {
    var result = self
    let ownLabels = Set(labels.map(\.0))
    result.labels = global.labels.filter { !ownLabels.contains($0.0) } + labels
    let ownAnnotations = Set(annotations.map(\.0))
    result.annotations = global.annotations.filter { !ownAnnotations.contains($0.0) } + annotations
    result.disableNameSuffixHash = disableNameSuffixHash || global.disableNameSuffixHash
    result.immutable = immutable || global.immutable
    return result
  }
}
