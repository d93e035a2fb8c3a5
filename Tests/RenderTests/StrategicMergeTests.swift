import Manifest
import Render
import Testing

@Suite struct StrategicMergeTests {
  static let pod = """
    apiVersion: v1
    kind: Pod
    metadata: {name: p, finalizers: [a]}
    spec:
      containers:
      - {name: app, image: app:1, env: [{name: A, value: "1"}, {name: B, value: "2"}], ports: [{containerPort: 80}]}
      - {name: side, image: side:1}
      volumes: [{name: v1, emptyDir: {}}, {name: v2, emptyDir: {}}]
      tolerations: [{key: a, operator: Exists}]
    """

  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var patch: String
    var expected: [String: String]  // dotted probe → YAML scalar text or "<absent>"
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "merges a container by name and keeps the rest",
      patch: "spec: {containers: [{name: app, image: app:2}]}",
      expected: ["containers": "app:app:2,side:side:1"]),
    Case(
      name: "merges env by name, patch entries first",
      patch: "spec: {containers: [{name: app, env: [{name: C, value: \"3\"}, {name: A, value: \"9\"}]}]}",
      expected: ["env": "C=3,A=9,B=2"]),
    Case(
      name: "deletes a list element with $patch: delete",
      patch: "spec: {containers: [{name: side, $patch: delete}]}",
      expected: ["containers": "app:app:1"]),
    Case(
      name: "replaces a list with $patch: replace",
      patch: "spec: {volumes: [{$patch: replace}, {name: only, emptyDir: {}}]}",
      expected: ["volumes": "only"]),
    Case(
      name: "replaces lists without a merge key",
      patch: "spec: {tolerations: [{key: b, operator: Exists}]}",
      expected: ["tolerations": "b"]),
    Case(
      name: "null removes a field",
      patch: "spec: {containers: [{name: app, ports: null}]}",
      expected: ["ports": "<absent>"]),
    Case(
      name: "merges finalizers as a set",
      patch: "metadata: {finalizers: [b, a]}",
      expected: ["finalizers": "a,b"]),
    Case(
      name: "deletes from a primitive list",
      patch: "metadata: {$deleteFromPrimitiveList/finalizers: [a]}",
      expected: ["finalizers": ""]),
  ]

  @Test(arguments: cases)
  func appliesStrategicMergeRules(_ testCase: Case) throws {
    let pod = try YAMLReader.document(Self.pod, file: "pod")
    let patch = try YAMLReader.document(testCase.patch, file: "patch")
    let result = try #require(try StrategicMerge.apply(patch, to: pod))
    let containers = result[path: ["spec", "containers"]]?.arrayValue ?? []
    for (probe, expected) in testCase.expected {
      switch probe {
      case "containers":
        #expect(containers.map { "\($0["name"]?.stringValue ?? ""):\($0["image"]?.stringValue ?? "")" }.joined(separator: ",") == expected)
      case "env":
        let env = containers.first?["env"]?.arrayValue ?? []
        #expect(env.map { "\($0["name"]?.stringValue ?? "")=\($0["value"]?.stringValue ?? "")" }.joined(separator: ",") == expected)
      case "volumes":
        #expect((result[path: ["spec", "volumes"]]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.joined(separator: ",") == expected)
      case "tolerations":
        #expect((result[path: ["spec", "tolerations"]]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }.joined(separator: ",") == expected)
      case "ports":
        #expect(containers.first?["ports"] == nil)
      case "finalizers":
        #expect((result[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",") == expected)
      default:
        Issue.record("unknown probe \(probe)")
      }
    }
  }

  @Test func deletesTheWholeObjectWithTopLevelDirective() throws {
    let pod = try YAMLReader.document(Self.pod, file: "pod")
    #expect(try StrategicMerge.apply(["$patch": "delete"], to: pod) == nil)
  }

  @Test func replacesListsOfUnknownKinds() throws {
    let object: Value = ["apiVersion": "example.com/v1", "kind": "Thing", "spec": ["items": [["name": "a"], ["name": "b"]]]]
    let result = try StrategicMerge.apply(["spec": ["items": [["name": "c"]]]], to: object)
    #expect(result?[path: ["spec", "items"]] == [["name": "c"]])
  }

  @Test func reportsListElementsWithoutTheirMergeKey() throws {
    let pod = try YAMLReader.document(Self.pod, file: "pod")
    #expect(throws: PatchError.self) { try StrategicMerge.apply(["spec": ["containers": [["image": "x"]]]], to: pod) }
  }
}
