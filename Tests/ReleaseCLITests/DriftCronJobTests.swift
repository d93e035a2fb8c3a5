import Foundation
import Testing

/// templates/drift-cronjob as deployed by environments/staging-drift: it renders as kustomize
/// renders it, the served cluster accepts it, and its RBAC allows what a drift run reads and
/// nothing it must not write — checked by `kubectl auth can-i` and by running `release drift`
/// with the ServiceAccount's own token.
@Suite(.serialized) struct DriftCronJobTests {
  func kubectl(_ tree: ScratchTree, _ arguments: [String], kubeconfig: String? = nil) throws -> ReleaseBinary.Result {
    try ReleaseBinary.runProcess(
      "/usr/bin/env",
      ["kubectl", "--kubeconfig", kubeconfig ?? tree.root + "/.release/sim/kubeconfig", "--cache-dir", tree.root + "/.release/kube-cache"] + arguments,
      in: tree.root)
  }

  @Test(arguments: ["environments/staging-drift", "templates/drift-cronjob/base", "templates/drift-cronjob/correct"])
  func rendersAsKustomizeDoes(directory: String) throws {
    let ours = try ReleaseBinary.run(["render", ReleaseBinary.packageRoot + "/" + directory])
    let theirs = try ReleaseBinary.runProcess("/usr/bin/env", ["kubectl", "kustomize", directory], in: ReleaseBinary.packageRoot)
    #expect(ours.status == 0 && theirs.status == 0, "\(ours.stderr)\(theirs.stderr)")
    #expect(ours.stdout == theirs.stdout)
    #expect(ours.stdout.contains("concurrencyPolicy: Forbid") && ours.stdout.contains("startingDeadlineSeconds: 600"))
    #expect(ours.stdout.contains("secretName: release-git-credentials"))
  }

  static let serviceAccount = "system:serviceaccount:llm-staging:release-drift"

  @Test func theServedClusterAcceptsItAndItsRBACReadsButNeverWrites() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer {
      _ = try? ReleaseBinary.run(["sim", "stop"], in: tree.root)
      tree.remove()
    }
    #expect(try ReleaseBinary.run(["sim", "start", "--speed", "1000"], in: tree.root).status == 0)
    #expect(try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root).status == 0)

    for directory in ["environments/staging-drift", "templates/drift-cronjob/correct"] {
      let rendered = try ReleaseBinary.run(["render", tree.root + "/" + directory], in: tree.root)
      let file = tree.root + "/rendered.yaml"
      try rendered.stdout.write(toFile: file, atomically: true, encoding: .utf8)
      let dryRun = try kubectl(tree, ["apply", "--dry-run=server", "-f", file])
      #expect(dryRun.status == 0, "\(directory): \(dryRun.stderr)")
    }
    let apply = try ReleaseBinary.run(["apply", "staging-drift", "--yes"], in: tree.root)
    #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")

    let allowed: [[String]] = [
      ["list", "deployments.apps", "--all-namespaces"], ["get", "deployments.apps", "-n", "llm-staging"],
      ["list", "configmaps", "--all-namespaces"], ["list", "services", "-n", "llm-staging"],
      ["list", "persistentvolumeclaims", "-n", "llm-staging"], ["list", "horizontalpodautoscalers.autoscaling", "--all-namespaces"],
      ["list", "poddisruptionbudgets.policy", "-n", "llm-staging"], ["list", "ingresses.networking.k8s.io", "--all-namespaces"],
      ["list", "namespaces"], ["list", "secrets", "-n", "llm-staging"], ["get", "secrets/release.staging.v1", "-n", "llm-staging"],
      ["get", "configmaps/release-drift.staging", "-n", "llm-staging"], ["patch", "configmaps/release-drift.staging", "-n", "llm-staging"],
    ]
    let denied: [[String]] = [
      ["patch", "deployments.apps/vllm", "-n", "llm-staging"], ["update", "deployments.apps", "-n", "llm-staging"],
      ["delete", "deployments.apps", "-n", "llm-staging"], ["create", "deployments.apps", "-n", "llm-staging"],
      ["patch", "configmaps/vllm-model", "-n", "llm-staging"], ["create", "configmaps", "-n", "llm-staging"],
      ["delete", "services", "-n", "llm-staging"], ["patch", "ingresses.networking.k8s.io", "-n", "llm-staging"],
      ["create", "secrets", "-n", "llm-staging"], ["delete", "secrets", "-n", "llm-staging"],
      ["list", "secrets", "-n", "kube-system"], ["create", "pods", "-n", "llm-staging"],
      ["create", "leases.coordination.k8s.io", "-n", "llm-staging"], ["delete", "namespaces"],
    ]
    for check in allowed {
      let answer = try kubectl(tree, ["auth", "can-i"] + check + ["--as", Self.serviceAccount])
      #expect(answer.status == 0 && answer.stdout.hasPrefix("yes"), "allowed \(check): \(answer.stdout)\(answer.stderr)")
    }
    for check in denied {
      let answer = try kubectl(tree, ["auth", "can-i"] + check + ["--as", Self.serviceAccount])
      #expect(answer.status == 1 && answer.stdout.hasPrefix("no"), "denied \(check): \(answer.stdout)\(answer.stderr)")
    }

    // The proof: `release drift` with the ServiceAccount's own token (valid a year of the
    // cluster's time, which runs 1000 times faster) finds a kubectl edit
    // (read-only, so compared locally where a dry run is forbidden) and keeps its state.
    let token = try kubectl(tree, ["create", "token", "release-drift", "-n", "llm-staging", "--duration", "8760h"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(!token.isEmpty)
    let config = tree.root + "/drift-kubeconfig"
    try FileManager.default.copyItem(atPath: tree.root + "/.release/sim/kubeconfig", toPath: config)
    #expect(try kubectl(tree, ["config", "set-credentials", "drift", "--token", token], kubeconfig: config).status == 0)
    #expect(try kubectl(tree, ["config", "set-context", "--current", "--user", "drift"], kubeconfig: config).status == 0)
    // As the pod runs it: from a directory that is no repo, reading git by URL into a cache.
    let remote = tree.root + "/remote.git"
    #expect(try ReleaseBinary.runProcess("/usr/bin/env", ["git", "clone", "-q", "--bare", tree.root, remote], in: tree.root).status == 0)
    let pod = try ScratchTree([:])
    defer { pod.remove() }
    let byURL = ["--repo", "file://" + remote, "--branch", "main"]
    let cache = ["RELEASE_CACHE_DIR": pod.root + "/cache"]
    let clean = try ReleaseBinary.run(["drift", "staging", "--kubeconfig", config] + byURL, in: pod.root, adding: cache)
    #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
    #expect(clean.stderr.contains("cloned file://\(remote) main at"), "\(clean.stderr)")
    #expect(try kubectl(tree, ["set", "image", "deployment/vllm", "-n", "llm-staging", "vllm=vllm/vllm-openai:hotfix"]).status == 0)
    #expect(try kubectl(tree, ["label", "deployment/vllm", "-n", "llm-staging", "team=oncall"]).status == 0)
    let drift = try ReleaseBinary.run(
      ["drift", "staging", "--kubeconfig", config, "--webhook", "http://127.0.0.1:9/unused"] + byURL, in: pod.root, adding: cache)
    #expect(drift.stderr.contains("fetched file://\(remote) main at"), "a second run only fetches: \(drift.stderr)")
    #expect(drift.stdout.contains("spec.template.spec.containers[name=vllm].image: vllm/vllm-openai:v0.6.3 -> vllm/vllm-openai:hotfix"), "\(drift.stdout)\(drift.stderr)")
    #expect(drift.stdout.contains("metadata.labels.team") && drift.stdout.contains("by kubectl-label"), "\(drift.stdout)")
    #expect(!drift.stderr.contains("drift state"), "the state ConfigMap is readable and writable: \(drift.stderr)")
    #expect(try kubectl(tree, ["get", "configmap", "release-drift.staging", "-n", "llm-staging"]).status == 0)
    // Its correction is refused by the server: it may not write.
    let correct = try ReleaseBinary.run(["drift", "staging", "--kubeconfig", config, "--correct"], in: tree.root)
    #expect(correct.status != 0 && correct.status != 1, "\(correct.stderr)")
    #expect(correct.stderr.contains("forbidden"), "\(correct.stderr)")
  }
}
