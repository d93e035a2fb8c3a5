import Diff
import Testing

@Suite struct UnifiedDiffTests {
  @Test func hunksKeepThreeLinesOfContextAndSplitFarChanges() {
    let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
    var lines = (1...20).map { "line \($0)" }
    lines[1] = "changed 2"
    lines[17] = "changed 18"
    let hunks = UnifiedDiff.hunks(old: old, new: lines.joined(separator: "\n") + "\n")
    #expect(hunks.count == 2)
    #expect(hunks[0].first == .context("line 1"))
    #expect(hunks[0].contains(.removed("line 2")) && hunks[0].contains(.added("changed 2")))
    #expect(hunks[1].last == .context("line 20"))
  }

  @Test func identicalTextsHaveNoHunks() {
    #expect(UnifiedDiff.hunks(old: "a\nb\n", new: "a\nb\n").isEmpty)
  }
}
