import EnvironmentRepo
import Promotion
import Testing

/// Promotion edits values where they stand: comments, order, indentation and quoting survive.
@Suite struct PinEditTests {
  static let text = """
    # Pins: what makes up a version.
    images:
      - name: vllm/vllm-openai
        newTag: v0.6.2   # bumped by promotion
      - {name: busybox, newTag: '1.36'}
    configMapGenerator:
      - name: vllm-model
        literals:
          - MODEL_NAME=Qwen/Qwen2.5-7B-Instruct
          - "MODEL_REVISION=abc123"
          - MAX_MODEL_LEN="8192"
    """

  static let config = PinsConfig(images: [], literals: ["vllm-model": ["MODEL_NAME", "MODEL_REVISION"]])

  @Test func readsThePinsWithTheirPositions() throws {
    let pins = try PinSet.read(Self.text, file: "k.yaml", config: Self.config)
    #expect(pins.pins.map(\.name) == [
      "image vllm/vllm-openai newTag", "image busybox newTag", "configMap vllm-model MODEL_NAME", "configMap vllm-model MODEL_REVISION",
    ])
    #expect(pins["image vllm/vllm-openai newTag"]?.value == "v0.6.2")
    #expect(pins["configMap vllm-model MODEL_REVISION"]?.value == "abc123")
    #expect(pins["image busybox newTag"]?.position?.line == 5)
  }

  @Test func changesOnlyTheValuesKeepingCommentsAndQuoting() throws {
    let pins = try PinSet.read(Self.text, file: "k.yaml", config: Self.config)
    func at(_ name: String, _ value: String) throws -> PinEdit.Change {
      let position = try #require(pins[name]?.position)
      return PinEdit.Change(line: position.line, column: position.column, value: value)
    }
    let edited = try PinEdit.apply(
      [
        try at("image vllm/vllm-openai newTag", "v0.6.3"), try at("image busybox newTag", "1.37"),
        try at("configMap vllm-model MODEL_NAME", "MODEL_NAME=Qwen/Qwen2.5-14B-Instruct"),
        try at("configMap vllm-model MODEL_REVISION", "MODEL_REVISION=def456"),
      ], to: Self.text, file: "k.yaml")
    #expect(edited == """
      # Pins: what makes up a version.
      images:
        - name: vllm/vllm-openai
          newTag: v0.6.3   # bumped by promotion
        - {name: busybox, newTag: '1.37'}
      configMapGenerator:
        - name: vllm-model
          literals:
            - MODEL_NAME=Qwen/Qwen2.5-14B-Instruct
            - "MODEL_REVISION=def456"
            - MAX_MODEL_LEN="8192"
      """)
  }

  @Test(arguments: [("8192", "\"8192\""), ("true", "\"true\""), ("a: b", "\"a: b\""), ("v1.2", "v1.2"), ("sha256:abc", "sha256:abc")])
  func aPlainValueIsQuotedOnlyWhereYAMLWouldReadItAsSomethingElse(value: String, written: String) throws {
    let edited = try PinEdit.apply([PinEdit.Change(line: 1, column: 9, value: value)], to: "newTag: v0", file: "k.yaml")
    #expect(edited == "newTag: \(written)")
  }

  @Test func aBlockScalarIsRefusedNamingTheLine() {
    #expect(throws: PromotionError.self) {
      _ = try PinEdit.apply([PinEdit.Change(line: 1, column: 9, value: "x")], to: "newTag: |\n  v0\n", file: "k.yaml")
    }
  }
}
