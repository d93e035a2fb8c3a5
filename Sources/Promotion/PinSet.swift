public import EnvironmentRepo
internal import Yams

/// The pins of one environment as its own kustomization.yaml writes them: `images` entries and
/// configMapGenerator literals, each with where it stands in the text (for `PinEdit`).
public struct PinSet: Sendable, Equatable {
  /// One pinned value: what it is called, its text, and the scalar that holds it.
  public struct Pin: Sendable, Equatable {
    /// `image vllm/vllm-openai newTag`, `configMap vllm-model MODEL_NAME`.
    public var name: String
    public var value: String
    /// 1-based line and column of the scalar in the file; nil when the key is absent.
    public var position: (line: Int, column: Int)?

    public init(name: String, value: String, position: (line: Int, column: Int)?) {
      self.name = name
      self.value = value
      self.position = position
    }

    public static func == (a: Pin, b: Pin) -> Bool {
      a.name == b.name && a.value == b.value && a.position?.line == b.position?.line && a.position?.column == b.position?.column
    }
  }

  /// Where a key can be added to an `images` entry (`--digest` adds `digest:` to an entry
  /// that has none): after the entry's last value.
  public struct EntryEnd: Sendable, Equatable {
    /// 1-based line and column where the entry's last value starts.
    public var line: Int
    public var column: Int
    /// 1-based column of the entry's keys (a new block key is indented to it).
    public var keyColumn: Int
    /// `{name: x, newTag: y}`: a new key goes inside the braces, not on a line of its own.
    public var flow: Bool

    public init(line: Int, column: Int, keyColumn: Int, flow: Bool) {
      self.line = line
      self.column = column
      self.keyColumn = keyColumn
      self.flow = flow
    }
  }

  public var pins: [Pin]
  /// Image name → where its entry ends, for the pinned `images` entries, in file order.
  public var imageEntries: [(name: String, end: EntryEnd?)] = []

  public subscript(name: String) -> Pin? { pins.first { $0.name == name } }

  public func entryEnd(ofImage name: String) -> EntryEnd? { imageEntries.first { $0.name == name }?.end }

  public static func == (a: PinSet, b: PinSet) -> Bool {
    a.pins == b.pins && a.imageEntries.map(\.name) == b.imageEntries.map(\.name) && a.imageEntries.map(\.end) == b.imageEntries.map(\.end)
  }

  public init(pins: [Pin], imageEntries: [(name: String, end: EntryEnd?)] = []) {
    self.pins = pins
    self.imageEntries = imageEntries
  }

  /// Reads the pins `config` names from kustomization text; an error names the file and field.
  public static func read(_ text: String, file: String, config: PinsConfig) throws(PromotionError) -> PinSet {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch {
      throw PromotionError.badFile(file, "\(error)")
    }
    guard let mapping = root?.mapping else { throw PromotionError.badFile(file, "not a YAML map") }
    var pins: [Pin] = []
    var entries: [(name: String, end: EntryEnd?)] = []
    let lines = text.components(separatedBy: "\n")
    for (index, entry) in (mapping["images"]?.sequence ?? []).enumerated() {
      guard let image = entry.mapping, let name = image["name"]?.string else {
        throw PromotionError.badFile(file, "images[\(index)]: expected a map with a name")
      }
      guard config.images.isEmpty || config.images.contains(name) else { continue }
      entries.append((name, Self.end(of: image, node: entry, lines: lines)))
      for key in ["newName", "newTag", "digest"] {
        if let scalar = image[key], let value = scalar.string {
          pins.append(Pin(name: "image \(name) \(key)", value: value, position: scalar.mark.map { ($0.line, $0.column) }))
        }
      }
    }
    for (index, entry) in (mapping["configMapGenerator"]?.sequence ?? []).enumerated() {
      guard let generator = entry.mapping, let name = generator["name"]?.string else {
        throw PromotionError.badFile(file, "configMapGenerator[\(index)]: expected a map with a name")
      }
      let keys = config.literals[name] ?? []
      guard !keys.isEmpty else { continue }
      for literal in generator["literals"]?.sequence ?? [] {
        guard let text = literal.string, let equals = text.firstIndex(of: "="), keys.contains(String(text[..<equals])) else { continue }
        pins.append(Pin(
          name: "configMap \(name) \(text[..<equals])", value: String(text[text.index(after: equals)...]),
          position: literal.mark.map { ($0.line, $0.column) }))
      }
    }
    return PinSet(pins: pins, imageEntries: entries)
  }

  /// The entry's last value, when it is a one-line scalar a key can follow; nil otherwise
  /// (adding a key after a nested or multi-line value is left to the author).
  static func end(of mapping: Node.Mapping, node: Node, lines: [String]) -> EntryEnd? {
    let pairs = Array(mapping)
    guard let (_, value) = pairs.last, let keyMark = pairs.first?.key.mark, let valueMark = value.mark, let mark = node.mark,
      let scalar = value.scalar, !scalar.string.contains("\n"), scalar.style != .literal, scalar.style != .folded
    else { return nil }
    // Yams does not say how a parsed mapping was written; the text does: a flow map starts with `{`.
    let line = mark.line >= 1 && mark.line <= lines.count ? Array(lines[mark.line - 1].unicodeScalars) : []
    let flow = mark.column >= 1 && mark.column <= line.count && line[mark.column - 1] == "{"
    return EntryEnd(line: valueMark.line, column: valueMark.column, keyColumn: keyMark.column, flow: flow)
  }
}
