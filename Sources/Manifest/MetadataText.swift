/// The text of an object's label and annotation values as written in its file: a scalar as
/// written (`0x1F`, `~`, `1.50`), a list or map as "". kustomize holds these as YAML nodes and
/// reads them as their text, where YAML would read `0x1F` as 31.
public struct MetadataText: Sendable, Equatable {
  public var labels: [String: String] = [:]
  public var annotations: [String: String] = [:]

  public init(labels: [String: String] = [:], annotations: [String: String] = [:]) {
    self.labels = labels
    self.annotations = annotations
  }
}

/// The metadata text of one document's root object, and of each object in its `items`.
public struct DocumentMetadataText: Sendable, Equatable {
  public var root = MetadataText()
  public var items: [Int: MetadataText] = [:]

  public init() {}

  mutating func record(_ text: String, key: String, item: Int?, labels: Bool) {
    if let item {
      if labels { items[item, default: MetadataText()].labels[key] = text } else { items[item, default: MetadataText()].annotations[key] = text }
    } else if labels {
      root.labels[key] = text
    } else {
      root.annotations[key] = text
    }
  }
}

/// A document with the text of its labels and annotations.
public struct TextedDocument: Sendable {
  public var value: Value
  public var metadataText: DocumentMetadataText
}
