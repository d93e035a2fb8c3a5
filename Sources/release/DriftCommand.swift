import ArgumentParser
internal import Diff
internal import Foundation
internal import Manifest
internal import Metrics
internal import ReleaseKit
internal import Rollout

struct DriftCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "drift",
    abstract: "Find what changed in the cluster since the last release (as a CronJob: report, alert, or correct).",
    discussion: """
      Each object is classified against the environment's last deployed release: drifted (live
      differs; names the field and the field manager that changed it), missing (deleted live),
      orphaned (tracked as the environment's, in neither the release nor git), pending (git moved
      ahead of the release: not drift unless --include-pending). Secret values never appear.
      --correct re-applies the last release's objects through the normal rollout (plan, gates,
      rollback), which restores exactly the drifted and missing ones; with --include-pending it
      applies git instead. Exit 0: in sync; 1: drift; 2: error (3, 4, 5 as apply, when a
      correction fails).
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: "Environment names.") var environments: [String] = []
  @Flag(name: .long, help: "Every environment of the repo.") var all = false
  @Flag(name: .long, help: "Restore drifted and missing objects through the rollout.") var correct = false
  @Flag(name: .long, help: "Count git's unapplied changes as drift (and apply them with --correct).") var includePending = false
  @Option(name: .long, help: "Push metrics to this Prometheus Pushgateway (http://host:9091).") var pushgateway: String?
  @Option(name: .long, help: "POST a JSON message here when drift is found or clears.") var webhook: String?
  @Option(name: [.short, .customLong("output")], help: "text or json.") var output: OutputFormat = .text

  func validate() throws {
    if output == .yaml { throw ValidationError("-o yaml: drift prints text or json") }
    if all && !environments.isEmpty { throw ValidationError("name environments or pass --all, not both") }
    if !all && environments.isEmpty { throw ValidationError("name an environment, or pass --all") }
    if let pushgateway {
      do { _ = try Pushgateway(url: pushgateway, clock: ContinuousClock()) } catch { throw ValidationError("--pushgateway \(pushgateway): \(error)") }
    }
  }

  func run() async throws {
    let repository = try global.environmentRepository()
    let names: [String]
    do {
      names = all ? try repository.environmentNames() : environments
    } catch {
      throw ReleaseFailure.badInput("\(error)")
    }
    if all && names.isEmpty { throw ReleaseFailure.badInput("\(repository.environmentsDirectory): no environments") }
    let clock = ContinuousClock()
    let gateway = try pushgateway.map { url throws(MetricsError) in try Pushgateway(url: url, clock: clock) }
    let hook = try webhook.map { url throws(ReleaseFailure) in try Webhook(url: url, clock: clock) }
    let options = DriftRun.Options(correct: correct, includePending: includePending, trackState: hook != nil)

    var text = ""
    var entries: [Value] = []
    var worst: ReleaseExit = .success
    func worsen(_ exit: ReleaseExit) {
      // Errors outrank drift; a failed correction's own code outranks a plain error.
      let rank: [ReleaseExit: Int] = [.success: 0, .differences: 1, .badInput: 2, .blocked: 3, .rolledBack: 4, .rollbackFailed: 5]
      if (rank[exit] ?? 0) > (rank[worst] ?? 0) { worst = exit }
    }
    // An environment on several clusters is checked on each: `ENV@CLUSTER` names its findings.
    var checks: [(name: String, environment: String, cluster: ClusterTarget?)] = []
    for environment in names {
      do {
        let (_, clusters) = try await global.openClusters(environment)
        checks += clusters.map { cluster in (cluster.name.map { "\(environment)@\($0)" } ?? environment, environment, clusters.count > 1 ? cluster : nil) }
      } catch {
        checks.append((environment, environment, nil))
      }
    }
    // Environments on the same cluster share their LISTs: one per kind and namespace a run.
    // A lone check has no one to share with, and sharing would widen its labelled LISTs to
    // every tracked object, those of the namespaces it lists whole too, held a second time.
    var listings: [String: SharedListing] = [:]
    for (name, environment, cluster) in checks {
      do {
        let (context, defaultSession) = try await global.open(environment)
        let session = cluster?.session ?? defaultSession
        let metrics = try session.metricsSource(context.config)
        let labelled = DriftRun.Options(
          correct: options.correct, includePending: options.includePending, trackState: options.trackState, label: cluster == nil ? nil : name)
        let sharing = checks.count > 1 ? listings[session.label] ?? SharedListing() : nil
        listings[session.label] = sharing
        let result = try await session.run { api, clock in
          try await DriftRun.run(
            context, api: api, options: labelled, sharing: sharing,
            makeRunner: {
              ReleaseRunner(
                api: api, clock: clock, wallClock: SystemWallClock(), observer: NarrativeObserver(clock: clock),
                metrics: metrics)
            },
            now: { Date() })
        }
        for warning in result.warnings { Console.warning(warning) }
        if case .applied(let record, let changes)? = result.correction {
          Console.note("\(name): corrected as revision \(record.revision): \(changes.changed.map { "\($0.action.rawValue) \($0.id)" }.joined(separator: "; "))")
        }
        text += DriftTextFormatter.format(result.found, includingPending: includePending)
        if result.correction != nil { text += "  after the correction: " + DriftTextFormatter.headline(result.final, includingPending: includePending) + "\n" }
        entries.append(DriftJSONFormatter.value(result.final, includingPending: includePending))
        if result.final.hasDrift(includingPending: includePending) { worsen(.differences) }
        if let gateway { await push(gateway, name, report: result.found, kinds: result.kinds, worsen: &worst) }
        if let hook, let notice = result.notice {
          do {
            try await hook.post(notice)
          } catch {
            Console.error("\(name): \(error.message)")
            worsen(.badInput)
          }
        }
      } catch {
        let failure = error as? ReleaseFailure ?? ReleaseFailure.badInput("\(error)")
        Console.error("\(name): \(failure.message)")
        entries.append(DriftJSONFormatter.failure(environment: name, message: failure.message))
        worsen(failure.exit)
        if let gateway { await push(gateway, name, report: nil, kinds: [], worsen: &worst) }
      }
    }
    Console.output(output == .json ? DriftJSONFormatter.document(entries, drift: worst != .success) : text)
    if worst != .success { throw ExitCode(worst.rawValue) }
  }

  /// A push that fails is an error of the run (exit 2) but never hides the report.
  func push(_ gateway: Pushgateway, _ environment: String, report: DriftReport?, kinds: [String], worsen worst: inout ReleaseExit) async {
    let families = DriftMetrics.families(environment: environment, report: report, kinds: kinds, at: Date())
    do {
      try await gateway.push(families, job: DriftMetrics.job, grouping: [("environment", environment)])
    } catch {
      Console.error("\(environment): pushing metrics to \(gateway): \(error)")
      if worst == .success || worst == .differences { worst = .badInput }
    }
  }
}
