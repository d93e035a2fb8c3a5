import Manifest

/// release.yaml's `pins:`: what makes up a version, the values `release promote` copies from
/// one environment's kustomization.yaml to the next. Without it: every `images` entry.
public struct PinsConfig: Sendable, Equatable {
  /// Image names whose `images` entries are pins; empty: all of them.
  public var images: [String]
  /// configMapGenerator name → the literal keys that are pins (`MODEL_NAME`, `MODEL_REVISION`).
  public var literals: [String: [String]]

  public init(images: [String] = [], literals: [String: [String]] = [:]) {
    self.images = images
    self.literals = literals
  }

  static func parse(_ reader: FieldReader?) throws(FieldError) -> PinsConfig {
    guard var fields = reader else { return PinsConfig() }
    var config = PinsConfig()
    config.images = try fields.optionalStringList("images") ?? []
    for (path, item) in try fields.optionalList("configMapLiterals") ?? [] {
      var entry = FieldReader(value: item, file: fields.file, path: path)
      let name = try entry.requireString("name")
      guard let keys = try entry.optionalStringList("keys"), !keys.isEmpty else {
        throw entry.error("keys", "list the literal keys that are pins, e.g. [MODEL_NAME, MODEL_REVISION]")
      }
      try entry.rejectUnknownKeys()
      config.literals[name, default: []] += keys
    }
    try fields.rejectUnknownKeys()
    return config
  }
}
