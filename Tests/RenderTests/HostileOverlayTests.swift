import Foundation
import Manifest
import Render
import Testing

/// Overlays come from git and the drift CronJob renders them next to a service-account token:
/// a symbolic link inside the overlay must not hand the renderer a file from outside it
/// (kustomize refuses these too), and files that would hang or exhaust the render are refused.
@Suite struct HostileOverlayTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var kustomization: String
    /// nil: renders (a link that stays inside, or a base, which may lie anywhere).
    var message: String?
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "resource file linked outside", kustomization: "resources: [linkfile.yaml]\n",
      message: "resources[0]: security; file linkfile.yaml is not in or below"),
    Case(
      name: "directory on the way linked outside", kustomization: "resources: [linkdir/cm.yaml]\n",
      message: "resources[0]: security; file linkdir/cm.yaml is not in or below"),
    Case(
      name: "generator file linked outside (a token)",
      kustomization: "configMapGenerator:\n- name: x\n  files: [token]\n",
      message: "configMapGenerator[0].files[0]: security; file token is not in or below"),
    Case(
      name: "generator file with a key, through a linked directory",
      kustomization: "secretGenerator:\n- name: x\n  files: [t=linkdir/token]\n",
      message: "security; file linkdir/token is not in or below"),
    Case(
      name: "env file linked outside", kustomization: "configMapGenerator:\n- name: x\n  envs: [linkdir/app.env]\n",
      message: "security; file linkdir/app.env is not in or below"),
    Case(
      name: "patch file linked outside", kustomization: "resources: [inside.yaml]\npatches:\n- path: linkfile.yaml\n",
      message: "patches[0].path: security; file linkfile.yaml is not in or below"),
    Case(
      name: "replacement source linked outside", kustomization: "resources: [inside.yaml]\nreplacements:\n- path: linkfile.yaml\n",
      message: "security; file linkfile.yaml is not in or below"),
    Case(
      name: "link back out after a dot-dot", kustomization: "resources: [sub/../linkfile.yaml]\n",
      message: "security; file sub/../linkfile.yaml is not in or below"),
    Case(name: "link that stays inside", kustomization: "resources: [inside-link.yaml]\n", message: nil),
    Case(name: "base directory linked elsewhere", kustomization: "resources: [linkbase]\n", message: nil),
    Case(
      name: "a FIFO instead of a file", kustomization: "resources: [fifo.yaml]\n",
      message: "not a regular file; refusing to read it"),
  ]

  @Test(arguments: cases)
  func holdsFilesToTheResolvedRoot(_ testCase: Case) throws {
    let tree = try Tree()
    defer { tree.remove() }
    try tree.write("root/kustomization.yaml", testCase.kustomization)
    do {
      let objects = try Renderer(fileSystem: DiskFileSystem()).render(directory: tree.path("root"))
      if let message = testCase.message {
        Issue.record("expected \"\(message)\", rendered \(objects.map { $0.name ?? "?" })")
      } else {
        #expect(!objects.isEmpty)
        #expect(!YAMLWriter.documents(objects).contains("TOKEN"))
      }
    } catch {
      if let message = testCase.message {
        #expect(error.description.contains(message), "\(error)")
        #expect(error.file == tree.path("root/kustomization.yaml") || error.file.hasSuffix("fifo.yaml"), "\(error)")
      } else {
        Issue.record("expected a render, got \(error)")
      }
    }
  }

  @Test func refusesAKustomizationFileLinkedOutside() throws {
    let tree = try Tree()
    defer { tree.remove() }
    try tree.write("outside/kustomization.yaml", "resources: [cm.yaml]\n")
    try FileManager.default.createDirectory(atPath: tree.path("root2"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: tree.path("root2/kustomization.yaml"), withDestinationPath: "../outside/kustomization.yaml")
    #expect {
      try Renderer(fileSystem: DiskFileSystem()).render(directory: tree.path("root2"))
    } throws: { error in
      "\(error)".contains("this kustomization file is a symbolic link to") && "\(error)".contains("root2/kustomization.yaml")
    }
  }

  @Test func refusesAFileLargerThanTheLimit() throws {
    let tree = try Tree()
    defer { tree.remove() }
    try tree.write("root/kustomization.yaml", "configMapGenerator:\n- name: x\n  files: [big.txt]\n")
    try tree.write("root/big.txt", String(repeating: "x", count: 2048))
    #expect {
      try Renderer(fileSystem: DiskFileSystem(maxFileBytes: 1024)).render(directory: tree.path("root"))
    } throws: { error in
      "\(error)".contains("big.txt: file of 2048 bytes is larger than the limit of 1024 bytes")
    }
  }

  @Test func refusesABillionLaughsResourceNamingTheFile() throws {
    let tree = try Tree()
    defer { tree.remove() }
    var laughs = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for (name, previous) in zip("bcdefghij", "abcdefghi") {
      laughs += "  \(name): &\(name) [\(Array(repeating: "*\(previous)", count: 9).joined(separator: ", "))]\n"
    }
    try tree.write("root/kustomization.yaml", "resources: [laughs.yaml]\n")
    try tree.write("root/laughs.yaml", laughs)
    #expect {
      try Renderer(fileSystem: DiskFileSystem()).render(directory: tree.path("root"))
    } throws: { error in
      "\(error)".contains("laughs.yaml") && "\(error)".contains("YAML aliases expand to more than")
    }
  }

  /// A temporary tree: `root/` (the overlay) and `outside/` (what it must not reach), with the
  /// links each case uses.
  struct Tree {
    let base: String

    init() throws {
      base = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)").path
      let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: NAME}\n"
      try write("outside/cm.yaml", configMap.replacingOccurrences(of: "NAME", with: "outside"))
      try write("outside/token", "TOKEN\n")
      try write("outside/app.env", "TOKEN=1\n")
      try write("base/kustomization.yaml", "resources: [cm.yaml]\n")
      try write("base/cm.yaml", configMap.replacingOccurrences(of: "NAME", with: "base"))
      try write("root/inside.yaml", configMap.replacingOccurrences(of: "NAME", with: "inside"))
      try write("root/sub/keep", "")
      try link("root/linkfile.yaml", to: "../outside/cm.yaml")
      try link("root/linkdir", to: "../outside")
      try link("root/token", to: "../outside/token")
      try link("root/inside-link.yaml", to: "inside.yaml")
      try link("root/linkbase", to: "../base")
      guard mkfifo(path("root/fifo.yaml"), 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func path(_ relative: String) -> String { base + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
      let url = URL(fileURLWithPath: path(relative))
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: false, encoding: .utf8)
    }

    func link(_ relative: String, to destination: String) throws {
      try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: destination)
    }

    func remove() {
      do { try FileManager.default.removeItem(atPath: base) } catch { Issue.record("cannot remove \(base): \(error)") }
    }
  }
}
