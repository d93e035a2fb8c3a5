import ArgumentParser
internal import ReleaseKit
internal import EnvironmentRepo
internal import Foundation
internal import Manifest
internal import Render

struct RenderCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Print the Kubernetes objects of an environment, as `kubectl kustomize` would.",
    discussion: """
      TARGET is an environment name (environments/TARGET of the repo) or a directory holding a
      kustomization, rendered like `kustomize build DIR`.
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "Environment name or kustomization directory.")
  var target: String?

  @Option(name: .long, help: "Render the environment as this commit holds it (branch, tag, SHA, HEAD~N), without a checkout.")
  var at: String?

  @Flag(name: .long, help: "Render every environment of the repo.")
  var all = false

  @Option(name: [.short, .customLong("output")], help: "Output format: yaml or json.")
  var output: OutputFormat = .yaml

  func validate() throws {
    if all && target != nil { throw ValidationError("give an environment or --all, not both") }
    if !all && target == nil { throw ValidationError("missing environment: release render ENV|DIR, or --all") }
    if output == .text { throw ValidationError("render prints objects: use -o yaml or -o json") }
  }

  func run() async throws {
    let renders: [EnvironmentRender]
    if all {
      let repo = try global.environmentRepository()
      renders = try await EnvironmentRenderer(repository: repo).renderAll()
    } else if let target, let at {
      let context = try await EnvironmentContext.load(target, repository: try global.environmentRepository(), at: at)
      renders = [EnvironmentRender(name: target, objects: context.objects)]
    } else if let target {
      renders = [try await renderOne(target)]
    } else {
      renders = []
    }
    Console.output(RenderOutput(format: output, grouped: all).format(renders))
  }

  /// An environment name wins over a same-named directory unless the argument looks like a path.
  private func renderOne(_ target: String) async throws -> EnvironmentRender {
    let looksLikePath = target.contains("/") || target == "." || target == ".."
    let cwd = FileManager.default.currentDirectoryPath
    // Outside any repo a directory still renders; a repo named with --repo must open.
    let repo = global.repo != nil ? try global.environmentRepository() : try? global.environmentRepository()
    if !looksLikePath, let repo, (try? repo.environmentNames().contains(target)) == true
    {
      return try await EnvironmentRenderer(repository: repo).render(environment: target)
    }
    let absolute = URL(fileURLWithPath: target.hasPrefix("/") ? target : cwd + "/" + target).standardizedFileURL.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue else {
      if let repo {
        let names = (try? repo.environmentNames()) ?? []
        let known = names.isEmpty ? "none" : names.joined(separator: ", ")
        throw ReleaseFailure.badInput("unknown environment \"\(target)\" (known: \(known)) and no directory of that name")
      }
      throw ReleaseFailure.badInput("\(target): no such environment or directory")
    }
    return try EnvironmentRenderer.render(directory: absolute, label: target, relativeTo: cwd)
  }
}
