import ArgumentParser

@main
struct Release: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "release",
    abstract: "GitOps release manager for GPU inference services on Kubernetes.")
}
