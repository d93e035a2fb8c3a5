import Manifest
import Testing

@Suite struct YAMLReaderTests {
  @Test(arguments: [
    ("a: 8192", Value.int(8192)), ("a: \"8192\"", "8192"), ("a: '8192'", "8192"), ("a: true", true),
    ("a: \"true\"", "true"), ("a: yes", "yes"), ("a: on", "on"), ("a: ~", nil), ("a: null", nil),
    ("a:", nil), ("a: 0777", 511), ("a: 0x1F", 31), ("a: 1_000", 1000), ("a: 0o17", 15),
    ("a: 1.5", 1.5), ("a: .5", 0.5), ("a: 1e3", 1000.0), ("a: 1e400", "1e400"), ("a: True", true),
    ("a: 2024-01-01", "2024-01-01T00:00:00Z"), ("a: 1:20", "1:20"), ("a: -3", -3),
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
}
