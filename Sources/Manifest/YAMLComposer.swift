internal import CYaml
import OrderedCollections

/// Builds `Value`s straight from libyaml's parse events (the C parser Yams wraps). Doing the
/// composition here, not through Yams' `Node`, is what makes hostile input cheap to refuse:
/// an alias is counted by the size of what it names, remembered when its anchor was defined,
/// and its value is shared, never copied, so a "billion laughs" document fails after reading
/// its own few lines, in the memory those lines take. (Yams would hash aliased key nodes in
/// full before we saw them, which is exponential on such a document.)
///
/// A class only because it owns libyaml's parser state, released in `deinit`.
final class YAMLComposer {
  private struct Anchored {
    var value: Value
    var nodes: Int
    /// The text as written, for a scalar: what an alias used as a mapping key stands for.
    var scalarText: String?
  }

  private struct Composed {
    var value: Value
    var nodes: Int
    var scalarText: String?
  }

  private var parser = yaml_parser_t()
  private let file: String
  private let limits: YAMLLimits
  private let schema: ScalarSchema
  private let recordsMetadataText: Bool
  private var anchors: [String: Anchored] = [:]
  /// How many flow collections (`[...]`, `{...}`) enclose the node being composed.
  private var flowDepth = 0
  private var aliasNodes = 0
  /// The metadata text of the document being composed, when `recordsMetadataText`.
  private var metadataText = DocumentMetadataText()
  /// The metadata text of every document composed, in order (empty documents included).
  private(set) var metadataTexts: [DocumentMetadataText] = []

  /// Where a node sits, for `recordsMetadataText`: an object (a document's root, or an item of
  /// its `items`), its metadata, its labels or annotations, one of their values, the root's
  /// `items`, or elsewhere. `item` is nil at the root.
  private enum Place: Equatable {
    case object(item: Int?)
    case metadata(item: Int?)
    case metadataMap(item: Int?, labels: Bool)
    case metadataValue(item: Int?, labels: Bool, key: String)
    case items
    case other
  }

  init(file: String, limits: YAMLLimits, schema: ScalarSchema, recordsMetadataText: Bool = false) {
    self.file = file
    self.limits = limits
    self.schema = schema
    self.recordsMetadataText = recordsMetadataText
    yaml_parser_initialize(&parser)
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
  }

  deinit { yaml_parser_delete(&parser) }

  /// Every document of the stream in `bytes`, which must stay valid for the whole call.
  /// Empty documents come back as `.null`.
  func documents(_ bytes: UnsafeBufferPointer<UInt8>) throws(ManifestError) -> [Value] {
    yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
    var documents: [Value] = []
    while true {
      switch try next() {
      case .streamStart:
        continue
      case .streamEnd:
        return documents
      case .documentStart:
        // Anchors belong to one document, as the YAML spec has it.
        anchors.removeAll(keepingCapacity: true)
        metadataText = DocumentMetadataText()
        let root = try compose(try next(), depth: 0, place: recordsMetadataText ? .object(item: nil) : .other)
        guard case .documentEnd = try next() else {
          throw ManifestError(file: file, message: "invalid YAML: document did not end after its root node")
        }
        documents.append(root.value)
        metadataTexts.append(metadataText)
      case let other:
        throw ManifestError(file: file, message: "invalid YAML: unexpected \(other) between documents")
      }
    }
  }

  // MARK: Nodes

  private func compose(_ event: YAMLEvent, depth: Int, place: Place = .other) throws(ManifestError) -> Composed {
    let composed = try composeNode(event, depth: depth, place: place)
    if case let .metadataValue(item, labels, key) = place {
      // As kustomize reads a label or annotation node's text: a scalar as written, else "".
      metadataText.record(composed.scalarText ?? "", key: key, item: item, labels: labels)
    }
    return composed
  }

  private func composeNode(_ event: YAMLEvent, depth: Int, place: Place) throws(ManifestError) -> Composed {
    switch event {
    case let .scalar(text, tag, plain, anchor, _):
      var value = Self.resolve(text, tag: tag, plain: plain, schema: schema)
      if flowDepth > 0, plain, tag == nil, value.stringValue != nil, text.contains(":") {
        // kyaml writes a flow collection back in flow style before kustomize reads its
        // values, and a scalar with a colon is quoted there: a timestamp stays as written.
        value = .string(text)
      }
      let composed = Composed(value: value, nodes: 1, scalarText: text)
      register(anchor, composed)
      return composed
    case let .alias(anchor, mark):
      guard let anchored = anchors[anchor] else {
        throw ManifestError(
          file: file, line: mark.line, column: mark.column,
          message: "unknown anchor '\(anchor)' referenced (an alias must follow its anchor, outside it)")
      }
      aliasNodes += anchored.nodes
      if aliasNodes > limits.maxAliasNodes {
        throw ManifestError(
          file: file, line: mark.line, column: mark.column,
          message:
            "YAML aliases expand to more than \(limits.maxAliasNodes) nodes (a \"billion laughs\" document?); refusing to read it")
      }
      return Composed(value: anchored.value, nodes: anchored.nodes, scalarText: anchored.scalarText)
    case let .sequenceStart(anchor, flow, mark):
      try checkDepth(depth + 1, mark: mark)
      if flow { flowDepth += 1 }
      defer { if flow { flowDepth -= 1 } }
      var items: [Value] = []
      var nodes = 1
      while true {
        let event = try next()
        if case .sequenceEnd = event { break }
        let item = try compose(event, depth: depth + 1, place: place == .items ? .object(item: items.count) : .other)
        items.append(item.value)
        nodes += item.nodes
      }
      let composed = Composed(value: .array(items), nodes: nodes, scalarText: nil)
      register(anchor, composed)
      return composed
    case let .mappingStart(anchor, flow, mark):
      try checkDepth(depth + 1, mark: mark)
      if flow { flowDepth += 1 }
      defer { if flow { flowDepth -= 1 } }
      var object = OrderedDictionary<String, Value>()
      var keyLines: [String: Int] = [:]
      var nodes = 1
      var merged: [OrderedDictionary<String, Value>] = []
      while true {
        let keyEvent = try next()
        if case .mappingEnd = keyEvent { break }
        let keyMark = keyEvent.mark
        if Self.isMergeKey(keyEvent) {
          if keyLines["<<"] != nil {
            throw ManifestError(file: file, line: keyMark.line, column: keyMark.column, message: "duplicate merge key <<")
          }
          keyLines["<<"] = keyMark.line
          let value = try compose(try next(), depth: depth + 1)
          merged = try mergeSources(value.value, mark: keyMark)
          nodes += 1 + value.nodes
          continue
        }
        let key = try compose(keyEvent, depth: depth + 1)
        guard let text = key.scalarText else {
          throw ManifestError(file: file, line: keyMark.line, column: keyMark.column, message: "mapping keys must be scalars")
        }
        if schema == .yaml11, case .bool = key.value {
          // go-yaml v2 makes `on:` a boolean key, which kustomize then cannot use.
          throw ManifestError(
            file: file, line: keyMark.line, column: keyMark.column,
            message: "mapping key \(text) is a boolean in YAML 1.1, as kustomize reads this file; quote it: \"\(text)\"")
        }
        if let first = keyLines[text] {
          throw ManifestError(
            file: file, line: keyMark.line, column: keyMark.column,
            message: "mapping key \"\(text)\" already defined at line \(first)")
        }
        keyLines[text] = keyMark.line
        let valuePlace: Place
        switch (place, text) {
        case (.object(nil), "items"): valuePlace = .items
        case (.object(let item), "metadata"): valuePlace = .metadata(item: item)
        case (.metadata(let item), "annotations"): valuePlace = .metadataMap(item: item, labels: false)
        case (.metadata(let item), "labels"): valuePlace = .metadataMap(item: item, labels: true)
        case (.metadataMap(let item, let labels), _): valuePlace = .metadataValue(item: item, labels: labels, key: text)
        default: valuePlace = .other
        }
        let value = try compose(try next(), depth: depth + 1, place: valuePlace)
        object[text] = value.value
        nodes += key.nodes + value.nodes
      }
      // Keys of the map itself win over merged ones, and earlier merged maps over later ones.
      for source in merged {
        for (key, value) in source where object[key] == nil { object[key] = value }
      }
      let composed = Composed(value: .object(object), nodes: nodes, scalarText: nil)
      register(anchor, composed)
      return composed
    default:
      throw ManifestError(
        file: file, line: event.mark.line, column: event.mark.column, message: "invalid YAML: unexpected \(event)")
    }
  }

  /// `<<` written plain (or tagged `!!merge`): YAML's merge key, which go-yaml and kyaml honour.
  private static func isMergeKey(_ event: YAMLEvent) -> Bool {
    guard case let .scalar(text, tag, plain, _, _) = event else { return false }
    return tag == "tag:yaml.org,2002:merge" || (text == "<<" && plain && tag == nil)
  }

  /// The maps a merge key's value names: a map, or a list of maps (kyaml's rules and errors).
  private func mergeSources(_ value: Value, mark: YAMLEvent.Mark) throws(ManifestError) -> [OrderedDictionary<String, Value>] {
    switch value {
    case .object(let map):
      return [map]
    case .array(let items):
      var maps: [OrderedDictionary<String, Value>] = []
      for item in items {
        switch item {
        case .object(let map): maps.append(map)
        case .array:
          throw ManifestError(file: file, line: mark.line, column: mark.column, message: "invalid map merge: received a nested sequence")
        default:
          throw ManifestError(
            file: file, line: mark.line, column: mark.column, message: "map merge requires map or sequence of maps as the value")
        }
      }
      return maps
    default:
      throw ManifestError(
        file: file, line: mark.line, column: mark.column, message: "map merge requires map or sequence of maps as the value")
    }
  }

  private func register(_ anchor: String?, _ composed: Composed) {
    guard let anchor else { return }
    anchors[anchor] = Anchored(value: composed.value, nodes: composed.nodes, scalarText: composed.scalarText)
  }

  private func checkDepth(_ depth: Int, mark: YAMLEvent.Mark) throws(ManifestError) {
    if depth > limits.maxDepth {
      throw ManifestError(
        file: file, line: mark.line, column: mark.column,
        message: "YAML nested deeper than \(limits.maxDepth) levels; refusing to read it")
    }
  }

  /// An explicit core tag wins over the style, as in go-yaml v3: `!!str 5` is a string and
  /// `!!int "8"` an int. kustomize prints a plain scalar under the non-specific `!` (and under
  /// a tag it does not know) as it would untagged, so those cases are left to the style.
  static func resolve(_ text: String, tag: String?, plain: Bool, schema: ScalarSchema) -> Value {
    switch tag {
    case "tag:yaml.org,2002:str": return .string(text)
    case "tag:yaml.org,2002:int": if let i = ScalarResolver.int(text) { return .int(i) }
    case "tag:yaml.org,2002:float": if let d = ScalarResolver.float(text) { return .float(d) }
    case "tag:yaml.org,2002:bool": if let b = ScalarResolver.bool(text) { return .bool(b) }
    case "tag:yaml.org,2002:null": return .null
    default: break
    }
    guard plain else { return .string(text) }
    return schema == .yaml11 ? ScalarResolver.resolvePlainYAML11(text) : ScalarResolver.resolvePlain(text)
  }

  // MARK: Events

  /// The next event, copied out of libyaml's buffers (which the next call reuses).
  private func next() throws(ManifestError) -> YAMLEvent {
    var event = yaml_event_t()
    guard yaml_parser_parse(&parser, &event) == 1 else { throw parserError() }
    defer { yaml_event_delete(&event) }
    let mark = YAMLEvent.Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    switch event.type {
    case YAML_STREAM_START_EVENT: return .streamStart
    case YAML_STREAM_END_EVENT: return .streamEnd
    case YAML_DOCUMENT_START_EVENT: return .documentStart
    case YAML_DOCUMENT_END_EVENT: return .documentEnd
    case YAML_ALIAS_EVENT:
      return .alias(anchor: Self.string(event.data.alias.anchor) ?? "", mark: mark)
    case YAML_SCALAR_EVENT:
      let scalar = event.data.scalar
      let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
      return .scalar(
        text: text, tag: Self.string(scalar.tag), plain: scalar.style == YAML_PLAIN_SCALAR_STYLE,
        anchor: Self.string(scalar.anchor), mark: mark)
    case YAML_SEQUENCE_START_EVENT:
      return .sequenceStart(
        anchor: Self.string(event.data.sequence_start.anchor), flow: event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE,
        mark: mark)
    case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
    case YAML_MAPPING_START_EVENT:
      return .mappingStart(
        anchor: Self.string(event.data.mapping_start.anchor), flow: event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE,
        mark: mark)
    case YAML_MAPPING_END_EVENT: return .mappingEnd
    default:
      throw ManifestError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: unknown parser event")
    }
  }

  private func parserError() -> ManifestError {
    let problem = parser.problem.map { String(cString: $0) } ?? "cannot parse"
    if parser.error == YAML_READER_ERROR {
      return ManifestError(file: file, message: "invalid YAML: \(problem) at byte \(parser.problem_offset)")
    }
    if parser.error == YAML_MEMORY_ERROR {
      return ManifestError(file: file, message: "invalid YAML: out of memory")
    }
    var detail = problem
    if let context = parser.context {
      detail += " (\(String(cString: context)) at line \(parser.context_mark.line + 1))"
    }
    return ManifestError(
      file: file, line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1,
      message: "invalid YAML: \(detail)")
  }

  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    pointer.map { String(cString: $0) }
  }
}
