import Foundation
import Testing

@Suite struct SimCommandTests {
  /// Each invocation loads the embedded cluster from .release/sim/ and saves it back.
  @Test func separateInvocationsShareOneEmbeddedCluster() throws {
    let tree = try ScratchTree(["environments/a/kustomization.yaml": "resources: []\n", ".git/HEAD": "ref: refs/heads/main\n"])
    defer { tree.remove() }
    #expect(try ReleaseBinary.run(["sim", "advance", "10m"], in: tree.root).stdout == "virtual time: 2026-01-01T00:10:00Z\n")
    #expect(try ReleaseBinary.run(["sim", "advance", "300s"], in: tree.root).stdout == "virtual time: 2026-01-01T00:15:00Z\n")
    let status = try ReleaseBinary.run(["sim", "status", "-o", "json"], in: tree.root)
    let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
    #expect(json?["elapsedSeconds"] as? Int == 900)
    #expect((json?["nodes"] as? [[String: Any]])?.filter { ($0["gpus"] as? Double) == 1 }.count == 3)
    #expect(FileManager.default.fileExists(atPath: tree.root + "/.release/sim/state.json"))

    #expect(try ReleaseBinary.run(["sim", "reset"], in: tree.root).status == 0)
    let fresh = try ReleaseBinary.run(["sim", "status"], in: tree.root)
    #expect(fresh.stdout.contains("not created yet"))
  }

  @Test func rejectsABadDuration() throws {
    let tree = try ScratchTree(["environments/a/kustomization.yaml": "resources: []\n"])
    defer { tree.remove() }
    let result = try ReleaseBinary.run(["sim", "advance", "soon"], in: tree.root)
    #expect(result.status == 2)
    #expect(result.stderr.contains("duration \"soon\": expected a number with s, m or h"))
    #expect(!FileManager.default.fileExists(atPath: tree.root + "/.release/sim/state.json"))
  }
}
