import EndToEndSupport
import Foundation
import Testing

/// `release drift` as a CronJob runs it, against `release sim start` on a fresh copy of the
/// example repo, with real kubectl edits, a real Pushgateway and a local webhook receiver.
@Suite(.serialized) struct DriftCommandTests {
  func kubectl(_ tree: ScratchTree, _ arguments: [String], editor: String? = nil) throws -> ReleaseBinary.Result {
    try ReleaseBinary.runProcess(
      "/usr/bin/env",
      (editor.map { ["KUBE_EDITOR=\($0)"] } ?? [])
        + ["kubectl", "--kubeconfig", tree.root + "/.release/sim/kubeconfig", "--cache-dir", tree.root + "/.release/kube-cache"] + arguments,
      in: tree.root)
  }

  func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test(.timeLimit(.minutes(5)))
  func aKubectlEditIsReportedPushedAndAnnouncedOnceThenCorrected() async throws {
    let tree = try ApplyCommandTests.exampleRepo()
    let gateway = try await PushgatewayServer.start()
    let hook = try await WebhookReceiver.start()
    do {
      try await run(tree, gateway: gateway, hook: hook)
    } catch {
      Issue.record("\(error)\npushgateway log:\n\(gateway.logTail())")
    }
    _ = try? ReleaseBinary.run(["sim", "stop"], in: tree.root)
    await gateway.stop()
    await hook.stop()
    tree.remove()
  }

  func run(_ tree: ScratchTree, gateway: PushgatewayServer, hook: WebhookReceiver) async throws {
    #expect(try ReleaseBinary.run(["sim", "start", "--speed", "1000"], in: tree.root).status == 0)
    let apply = try ReleaseBinary.run(["apply", "staging", "--yes"], in: tree.root)
    #expect(apply.status == 0, "\(apply.stderr)")
    let cron = ["drift", "staging", "--pushgateway", gateway.url, "--webhook", hook.url]
    let grouping = ["job": "release_drift", "environment": "staging"]

    // In sync: exit 0, zero counts pushed, nothing announced.
    let clean = try ReleaseBinary.run(cron, in: tree.root)
    #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
    #expect(clean.stdout.contains("staging: in sync against revision 1"))
    let zero = try await gateway.samples("release_drift_objects", grouping: grouping)
    #expect(!zero.isEmpty && zero.values.allSatisfy { $0 == "0" }, "\(zero)")
    #expect(try await gateway.samples("release_drift_check_success", grouping: grouping).values.first == "1")
    #expect(hook.messages.isEmpty)

    // A person edits the live Deployment twice: `kubectl set image` and `kubectl edit`.
    #expect(try kubectl(tree, ["set", "image", "deployment/vllm", "-n", "llm-staging", "vllm=vllm/vllm-openai:hotfix"]).status == 0)
    let edit = try kubectl(tree, ["edit", "deployment/vllm", "-n", "llm-staging"], editor: "sed -i -e s/initialDelaySeconds:\\ 300/initialDelaySeconds:\\ 200/")
    #expect(edit.status == 0, "\(edit.stderr)")

    let report = try ReleaseBinary.run(["drift", "staging", "-o", "json"], in: tree.root)
    #expect(report.status == 1, "\(report.stderr)")
    let document = try json(report.stdout)
    let environment = try #require((document["environments"] as? [[String: Any]])?.first)
    let object = try #require((environment["objects"] as? [[String: Any]])?.first)
    #expect(object["class"] as? String == "drifted" && object["name"] as? String == "vllm")
    let fields = (object["fields"] as? [[String: Any]] ?? []).map { "\($0["path"] ?? "") by \($0["manager"] ?? "?")" }
    #expect(fields.contains("spec.template.spec.containers[name=vllm].image by kubectl-set"), "\(fields)")
    #expect(fields.contains("spec.template.spec.containers[name=vllm].readinessProbe.initialDelaySeconds by kubectl-edit"), "\(fields)")

    let drift = try ReleaseBinary.run(cron, in: tree.root)
    #expect(drift.status == 1)
    #expect(drift.stdout.contains("drifted Deployment.apps/vllm in namespace llm-staging"), "\(drift.stdout)")
    #expect(drift.stdout.contains("vllm/vllm-openai:v0.6.3 -> vllm/vllm-openai:hotfix"), "\(drift.stdout)")
    let counts = try await gateway.samples("release_drift_objects", grouping: grouping)
    #expect(counts.first { $0.key["kind"] == "Deployment" && $0.key["class"] == "drifted" }?.value == "1", "\(counts)")
    #expect(hook.messages.count == 1)
    let message = try json(try #require(hook.messages.first))
    #expect(message["state"] as? String == "drift" && message["environment"] as? String == "staging")
    #expect((message["text"] as? String)?.contains("kubectl-edit") == true, "\(message)")
    #expect((message["drift"] as? [[String: Any]])?.first?["class"] as? String == "drifted")

    // The next run sees the same drift: still exit 1, no second message.
    #expect(try ReleaseBinary.run(cron, in: tree.root).status == 1)
    #expect(hook.messages.count == 1)

    // Corrected through the rollout: back in sync, announced once as cleared.
    let corrected = try ReleaseBinary.run(cron + ["--correct"], in: tree.root)
    #expect(corrected.status == 0, "\(corrected.stdout)\(corrected.stderr)")
    #expect(corrected.stderr.contains("corrected as revision 2"), "\(corrected.stderr)")
    #expect(hook.messages.count == 2)
    #expect(try json(try #require(hook.messages.last))["state"] as? String == "clear")
    let after = try ReleaseBinary.run(cron, in: tree.root)
    #expect(after.status == 0 && hook.messages.count == 2, "\(after.stdout)")
  }

  @Test func badInputExitsTwoNamingWhatIsWrong() throws {
    let tree = try ApplyCommandTests.exampleRepo()
    defer { tree.remove() }
    let none = try ReleaseBinary.run(["drift"], in: tree.root)
    #expect(none.status == 2 && none.stderr.contains("name an environment, or pass --all"), "\(none.stderr)")
    let url = try ReleaseBinary.run(["drift", "staging", "--pushgateway", "pushgateway:9091"], in: tree.root)
    #expect(url.status == 2 && url.stderr.contains("--pushgateway pushgateway:9091"), "\(url.stderr)")
    let unknown = try ReleaseBinary.run(["drift", "nope"], in: tree.root)
    #expect(unknown.status == 2 && unknown.stderr.contains("unknown environment \"nope\""), "\(unknown.stderr)")
    #expect(unknown.stdout.isEmpty)
  }
}
