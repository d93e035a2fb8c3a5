import Foundation

/// One directory under `cases/`: an overlay tree built at `build/` when present, else at the
/// case root, the way a user runs `kubectl kustomize DIR`. A case with `expected-error.txt`
/// is one kustomize refuses: kubectl must fail, and release must fail with an error that
/// contains that file's text (naming the file and field at fault).
struct ConformanceCase: CustomTestStringConvertible, Sendable {
  let name: String
  let directory: String
  var expectedError: String? = nil

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
      let errorFile = caseRoot + "/expected-error.txt"
      guard FileManager.default.fileExists(atPath: errorFile) else { return ConformanceCase(name: name, directory: dir) }
      do {
        let text = try String(contentsOfFile: errorFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return ConformanceCase(name: name, directory: dir, expectedError: text)
      } catch {
        // Reported by the test as a case that cannot pass, never skipped in silence.
        return ConformanceCase(name: name, directory: dir, expectedError: "unreadable \(errorFile): \(error)")
      }
    }
  }
}

import Testing
