import Manifest
import Testing

@Suite struct YAMLReaderTests {
  @Test(arguments: [
    ("a: 8192", Value.int(8192)), ("a: \"8192\"", "8192"), ("a: '8192'", "8192"), ("a: true", true),
    ("a: \"true\"", "true"), ("a: yes", "yes"), ("a: on", "on"), ("a: ~", nil), ("a: null", nil),
    ("a:", nil), ("a: 0777", 511), ("a: 0x1F", 31), ("a: 1_000", 1000), ("a: 0o17", 15),
    ("a: 1.5", 1.5), ("a: .5", 0.5), ("a: 1e3", 1000.0), ("a: 1e400", "1e400"), ("a: True", true),
    ("a: 2024-01-01", "2024-01-01T00:00:00Z"), ("a: 1:20", "1:20"), ("a: -3", -3),
    // Timestamps as Go's time.Parse reads go-yaml's layouts, written as Go's JSON writes them.
    ("a: 2024-01-01 10:00:00", "2024-01-01T10:00:00Z"), ("a: 2024-1-2t3:04:05.50+02:00", "2024-01-02T03:04:05.5+02:00"),
    ("a: 2024-01-01T10:00:00-00:00", "2024-01-01T10:00:00Z"), ("a: 2023-02-29", "2023-02-29"),
    ("a: 2024-01-01T10:00:00", "2024-01-01T10:00:00"), ("a: {b: 2024-1-1T10:00:00Z}", ["b": "2024-1-1T10:00:00Z"]),
    // Explicit core tags win over the style, as kubectl kustomize prints them.
    ("a: !!int \"5\"", 5), ("a: !!str 5", "5"), ("a: !!str true", "true"), ("a: !!bool \"true\"", true),
  ] as [(String, Value)])
  func resolvesPlainScalarsAsKustomizeReadsThem(yaml: String, expected: Value) throws {
    let doc = try YAMLReader.document(yaml, file: "t.yaml")
    #expect(doc["a"] == expected)
  }

  /// kustomization.yaml is read as go-yaml v2 reads it (sigs.k8s.io/yaml).
  @Test(arguments: [
    ("a: yes", Value.bool(true)), ("a: on", true), ("a: Off", false), ("a: n", false), ("a: \"yes\"", "yes"),
    ("a: 1_000", 1000), ("a: 0x1F", 31), ("a: 2024-01-01", "2024-01-01"), ("a: 1:20", "1:20"), ("a: ~", nil),
    ("a: 1.5", 1.5), ("a: true", true), ("a: x", "x"),
  ] as [(String, Value)])
  func resolvesKustomizationScalarsAsYAML11(yaml: String, expected: Value) throws {
    let doc = try YAMLReader.document(yaml, file: "kustomization.yaml", schema: .yaml11)
    #expect(doc["a"] == expected)
  }

  @Test func keepsKeyOrderAsWritten() throws {
    let doc = try YAMLReader.document("z: 1\na: 2\nm: 3\n", file: "t.yaml")
    #expect(doc.objectValue.map { Array($0.keys) } == ["z", "a", "m"])
  }

  @Test func dropsEmptyDocumentsAndAcceptsCRLF() throws {
    let docs = try YAMLReader.documents("---\n---\r\nkind: A\r\n---\n# only a comment\n---\nkind: B\n", file: "t.yaml")
    #expect(docs == [["kind": "A"], ["kind": "B"]])
  }

  @Test func reportsDuplicateKeysWithTheirLine() {
    #expect(throws: ManifestError.self) { try YAMLReader.documents("a: 1\nb:\n  c: 1\n  c: 2\n", file: "dup.yaml") }
    do {
      _ = try YAMLReader.documents("a: 1\nb:\n  c: 1\n  c: 2\n", file: "dup.yaml")
    } catch {
      #expect(error.file == "dup.yaml")
      #expect(error.line == 4)  // the duplicate, naming where the key was first defined
      #expect(error.message.contains("\"c\" already defined at line 3"))
    }
  }

  @Test func reportsSyntaxErrorsWithTheirLine() {
    do {
      _ = try YAMLReader.documents("a: 1\nb: [unclosed\nc: 2\n", file: "bad.yaml")
      Issue.record("expected an error")
    } catch {
      #expect(error.file == "bad.yaml")
      #expect(error.line != nil)
      #expect(error.description.hasPrefix("bad.yaml:"))
    }
  }

  @Test func mergesMergeKeysAsKyamlDoes() throws {
    let doc = try YAMLReader.document(
      "base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\nm:\n  <<: [*b, *o]\n  x: 0\n", file: "t.yaml")
    // The map's own keys win, then earlier maps of the list.
    #expect(doc["m"] == ["x": 0, "y": 2, "z": 4])
    #expect(throws: ManifestError.self) { try YAMLReader.document("m:\n  <<: 1\n", file: "t.yaml") }
    // Quoted, it is an ordinary key.
    #expect(try YAMLReader.document("m: {\"<<\": 1}", file: "t.yaml")["m"]?["<<"] == 1)
  }

  @Test func recordsLabelAndAnnotationTextAsWritten() throws {
    let text = """
      metadata:
        labels: {n: 0x1F}
        annotations: {hex: 0x1F, tilde: ~, list: [1], quoted: "a"}
      items:
      - metadata: {annotations: {f: 1.50}}
      """
    let documents = try YAMLReader.textedDocuments(text, file: "t.yaml")
    #expect(documents.count == 1)
    #expect(documents[0].value[path: ["metadata", "annotations", "hex"]] == 31)
    #expect(documents[0].metadataText.root.annotations == ["hex": "0x1F", "tilde": "~", "list": "", "quoted": "a"])
    #expect(documents[0].metadataText.root.labels == ["n": "0x1F"])
    #expect(documents[0].metadataText.items[0]?.annotations == ["f": "1.50"])
  }
}

@Suite struct NumberFormatTests {
  @Test(arguments: [(31.0, "31", "31"), (1e6, "1e+06", "1000000"), (1.5, "1.5", "1.5"), (0.00001, "1e-05", "0.00001"),
    (1e-7, "1e-07", "1e-7"), (1e21, "1e+21", "1e+21"), (123456789012.0, "1.23456789012e+11", "123456789012")])
  func writesFloatsAsGoDoes(value: Double, yaml: String, json: String) {
    #expect(NumberFormat.yamlFloat(value) == yaml)
    #expect(NumberFormat.jsonFloat(value) == json)
  }
}

@Suite struct FieldReaderTests {
  @Test func matchesFieldNamesIgnoringCaseAsGoJSONDoes() throws {
    let doc = try YAMLReader.document("NamePrefix: a-\nNameSpace: one\nnamespace: two\n", file: "k.yaml")
    var fields = FieldReader(value: doc, file: "k.yaml", keys: .ignoringCase)
    #expect(try fields.optionalString("namePrefix") == "a-")
    // Both keys name the field; the last in byte order wins.
    #expect(try fields.optionalString("namespace") == "two")
    try fields.rejectUnknownKeys()
    var exact = FieldReader(value: doc, file: "k.yaml")
    #expect(try exact.optionalString("namePrefix") == nil)
    #expect(throws: FieldError.self) { try exact.rejectUnknownKeys() }
  }
}
