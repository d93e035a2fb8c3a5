import Diff
import Manifest
import Testing

@Suite struct StructuralDiffTests {
  static func yaml(_ text: String) throws -> Value { try YAMLReader.document(text, file: "test.yaml") }

  @Test func keyedListsAreComparedByMergeKeyNotPosition() throws {
    let old = try Self.yaml("spec: {template: {spec: {containers: [{name: a, image: x:1}, {name: b, image: y:1}]}}}")
    let new = try Self.yaml("spec: {template: {spec: {containers: [{name: b, image: y:1}, {name: a, image: x:2}]}}}")
    let changes = StructuralDiff.changes(from: old, to: new, kind: "Deployment")
    #expect(changes.map(\.path.description) == ["spec.template.spec.containers[name=a].image"])
    #expect(changes.first?.old == "x:1" && changes.first?.new == "x:2")
  }

  @Test(arguments: [("1000m", "1"), ("1Gi", "1024Mi"), ("0.5", "500m"), ("16Gi", "17179869184")])
  func equalQuantitiesInOtherUnitsAreNoDifference(a: String, b: String) throws {
    let old: Value = ["spec": ["containers": [["name": "c", "resources": ["requests": ["memory": .string(a)]]]]]]
    let new: Value = ["spec": ["containers": [["name": "c", "resources": ["requests": ["memory": .string(b)]]]]]]
    #expect(StructuralDiff.changes(from: old, to: new, kind: "Pod").isEmpty)
  }

  @Test func quantityLikeStringsOutsideResourcesStillDiffer() throws {
    let old: Value = ["metadata": ["annotations": ["size": "1Gi"]]]
    let new: Value = ["metadata": ["annotations": ["size": "1024Mi"]]]
    #expect(StructuralDiff.changes(from: old, to: new, kind: "ConfigMap").count == 1)
  }

  @Test func addedAndRemovedFieldsAreNamed() throws {
    let old = try Self.yaml("metadata: {labels: {a: '1', gone: x}}")
    let new = try Self.yaml("metadata: {labels: {a: '1', added: y}}")
    let changes = StructuralDiff.changes(from: old, to: new, kind: "ConfigMap")
    #expect(changes.map { "\($0.path) \($0.kind.rawValue)" } == ["metadata.labels.added added", "metadata.labels.gone removed"])
  }

  @Test func pathsQuoteKeysWithDots() {
    let path = FieldPath([.key("metadata"), .key("labels"), .key("app.kubernetes.io/name")])
    #expect(path.description == "metadata.labels[\"app.kubernetes.io/name\"]")
  }
}
