import Foundation
import Manifest
import Testing

@Suite struct YAMLWriterTests {
  /// Golden pair produced by `kubectl kustomize` (kustomize v5.5.0) from the input file.
  @Test func writesScalarsMapsAndListsExactlyAsKustomize() throws {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    let input = try String(contentsOf: dir.appendingPathComponent("scalars.input.yaml"), encoding: .utf8)
    let expected = try String(contentsOf: dir.appendingPathComponent("scalars.kustomize.yaml"), encoding: .utf8)
    let docs = try YAMLReader.documents(input, file: "scalars.input.yaml")
    let written = YAMLWriter.documents(docs)
    let writtenLines = written.split(separator: "\n", omittingEmptySubsequences: false)
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    for (i, (w, e)) in zip(writtenLines, expectedLines).enumerated() where w != e {
      Issue.record("line \(i + 1): wrote \(w.debugDescription), kustomize wrote \(e.debugDescription)")
      break
    }
    #expect(written == expected)
  }

  @Test func writtenOutputReadsBackToTheSameValue() throws {
    let value: Value = [
      "s": "8192", "b": true, "i": 3, "f": 0.25, "n": nil, "list": ["a", ["x": "yes"]],
      "text": "line one\nline two\n", "empty": "",
    ]
    let back = try YAMLReader.document(YAMLWriter.string(value), file: "t")
    #expect(back["s"] == "8192")
    #expect(back["b"] == true)
    #expect(back["i"] == 3)
    #expect(back["f"] == 0.25)
    #expect(back["n"] == .null)
    #expect(back["list"] == ["a", ["x": "yes"]])
    #expect(back["text"] == "line one\nline two\n")
    #expect(back["empty"] == "")
  }

  @Test(arguments: [
    ("f2", "f10", true), ("f10", "f2", false), ("a1b", "a01b", true), ("ab-c", "ab.c", true),
    ("abC", "ab_c", false), ("Abc", "a1b", true), ("apiVersion", "data", true),
    ("memory", "nvidia.com/gpu", true),
  ])
  func sortsKeysNaturallyAsGoYAML(a: String, b: String, aFirst: Bool) {
    #expect(KeyOrder.less(a, b) == aFirst)
  }

  @Test func separatesDocumentsWithDashes() {
    let text = YAMLWriter.documents([["kind": "A"], ["kind": "B"]])
    #expect(text == "kind: A\n---\nkind: B\n")
  }
}
