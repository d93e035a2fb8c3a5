import Foundation

/// One directory under `cases/`: an overlay tree built at `build/` when present, else at the
/// case root, the way a user runs `kubectl kustomize DIR`. A case with `expected-error.txt`
/// is one kustomize refuses: kubectl must fail, and release must fail with an error that
/// contains that file's text (naming the file and field at fault). A case with
/// `release-refuses.txt` is one kustomize renders while silently dropping part of its input:
/// kubectl must still render it (so the case notices when kustomize starts refusing it too),
/// and release must refuse it with an error that contains that file's text.
struct ConformanceCase: CustomTestStringConvertible, Sendable {
  let name: String
  let directory: String
  var expectedError: String? = nil
  var refusedByRelease: String? = nil

  var testDescription: String { name }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("cases").path

  static func all() -> [ConformanceCase] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return names.sorted().map { name in
      let caseRoot = root + "/" + name
      var isDir: ObjCBool = false
      let build = caseRoot + "/build"
      let dir = FileManager.default.fileExists(atPath: build, isDirectory: &isDir) && isDir.boolValue ? build : caseRoot
      return ConformanceCase(
        name: name, directory: dir, expectedError: text(of: caseRoot + "/expected-error.txt"),
        refusedByRelease: text(of: caseRoot + "/release-refuses.txt"))
    }
  }

  private static func text(of file: String) -> String? {
    guard FileManager.default.fileExists(atPath: file) else { return nil }
    do {
      return try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    } catch {
      // Reported by the test as a case that cannot pass, never skipped in silence.
      return "unreadable \(file): \(error)"
    }
  }
}

import Testing
