import Manifest
import Render
import Testing

@Suite struct JSONPatchTests {
  static let document: Value = ["metadata": ["annotations": ["a/b": "x", "t~n": "y"]], "spec": ["list": [1, 2, 3], "n": 1]]

  @Test(arguments: [
    ("add appends with -", #"[{"op":"add","path":"/spec/list/-","value":4}]"#, ["spec", "list"], Value.array([1, 2, 3, 4])),
    ("add inserts at index", #"[{"op":"add","path":"/spec/list/0","value":0}]"#, ["spec", "list"], [0, 1, 2, 3]),
    ("remove by index", #"[{"op":"remove","path":"/spec/list/1"}]"#, ["spec", "list"], [1, 3]),
    ("replace", #"[{"op":"replace","path":"/spec/n","value":5}]"#, ["spec", "n"], 5),
    ("escaped slash", #"[{"op":"replace","path":"/metadata/annotations/a~1b","value":"z"}]"#, ["metadata", "annotations", "a/b"], "z"),
    ("escaped tilde", #"[{"op":"remove","path":"/metadata/annotations/t~0n"}]"#, ["metadata", "annotations", "t~n"], nil),
    ("move", #"[{"op":"move","from":"/spec/n","path":"/spec/m"}]"#, ["spec", "m"], 1),
    ("copy", #"[{"op":"copy","from":"/spec/n","path":"/spec/c"}]"#, ["spec", "c"], 1),
    ("test then replace", #"[{"op":"test","path":"/spec/n","value":1},{"op":"replace","path":"/spec/n","value":2}]"#, ["spec", "n"], 2),
  ] as [(String, String, [String], Value?)])
  func appliesOperations(name: String, ops: String, probe: [String], expected: Value?) throws {
    let operations = try JSON.parse(ops).arrayValue ?? []
    let result = try JSONPatch.apply(operations, to: Self.document)
    #expect(result[path: probe] == expected, "\(name)")
  }

  @Test(arguments: [
    (#"[{"op":"replace","path":"/spec/missing","value":1}]"#, "op 0 (replace /spec/missing): path not found"),
    (#"[{"op":"test","path":"/spec/n","value":2}]"#, "op 0 (test /spec/n): test failed: found 1"),
    (#"[{"op":"bogus","path":"/spec"}]"#, "op 0: unknown op \"bogus\""),
    (#"[{"op":"add","path":"/spec/list/9","value":1}]"#, "op 0 (add /spec/list/9): index out of range"),
  ])
  func namesTheFailingOperation(ops: String, message: String) throws {
    let operations = try JSON.parse(ops).arrayValue ?? []
    #expect(throws: PatchError(message)) { try JSONPatch.apply(operations, to: Self.document) }
  }

  @Test func mergePatchFollowsRFC7386() {
    let result = MergePatch.apply(["spec": ["n": nil, "list": ["x"], "new": ["a": 1]]], to: Self.document)
    #expect(result[path: ["spec", "n"]] == nil)
    #expect(result[path: ["spec", "list"]] == ["x"])
    #expect(result[path: ["spec", "new", "a"]] == 1)
    #expect(result[path: ["metadata", "annotations", "a/b"]] == "x")
  }
}
