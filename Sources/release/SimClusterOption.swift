import ArgumentParser
internal import ReleaseKit

/// Which embedded cluster a `release sim` command acts on.
struct SimClusterOption: ParsableArguments {
  @Option(name: .customLong("cluster"), help: "A named embedded cluster (release.yaml's cluster.embedded.name); default: the unnamed one.")
  var name: String?

  func cluster(_ global: GlobalOptions) throws(ReleaseFailure) -> EmbeddedCluster {
    try EmbeddedCluster.named(name, in: try global.writableRepository(for: "sim"))
  }
}
