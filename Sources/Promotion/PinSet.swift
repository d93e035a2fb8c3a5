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

  public var pins: [Pin]

  public subscript(name: String) -> Pin? { pins.first { $0.name == name } }

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
    for (index, entry) in (mapping["images"]?.sequence ?? []).enumerated() {
      guard let image = entry.mapping, let name = image["name"]?.string else {
        throw PromotionError.badFile(file, "images[\(index)]: expected a map with a name")
      }
      guard config.images.isEmpty || config.images.contains(name) else { continue }
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
    return PinSet(pins: pins)
  }
}
