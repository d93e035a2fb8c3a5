import Foundation

/// One directory under `cases/`: an overlay tree built at `build/` when present, else at the
/// case root, the way a user runs `kubectl kustomize DIR`.
struct ConformanceCase: CustomTestStringConvertible, Sendable {
  let name: String
  let directory: String

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
      return ConformanceCase(name: name, directory: dir)
    }
  }
}

import Testing
