import Manifest
import Rollout

/// Objects for the rule tables: YAML as a user writes it, and findings as one line each
/// (`<object> <field>: <message>`), so a table reads like the output it expects.
enum LintFixtures {
  static func objects(_ yaml: String) throws -> [Value] { try YAMLReader.documents(yaml, file: "case.yaml") }

  static func lint(_ rule: any LintRule, _ yaml: String, settings: LintSettings = LintSettings(), cluster: LintCluster? = nil) throws
    -> [String]
  {
    rule.check(LintInput(objects: try objects(yaml), settings: settings, cluster: cluster)).sorted().map(line)
  }

  static func line(_ finding: LintFinding) -> String { "\(finding.object) \(finding.field): \(finding.message)" }

  static let vllm = "Deployment.apps/vllm in namespace llm"
  static let containerPath = "spec.template.spec.containers[name=vllm]"

  /// The example app's Deployment in namespace llm: one GPU per pod, a 300 s load before
  /// readiness, progressDeadlineSeconds 900. Snippets are YAML flow style.
  static func deployment(
    _ name: String = "vllm", replicas: Int = 2, image: String = "vllm/vllm-openai:v0.6.3", deadline: Int? = 900,
    resources: String = "{limits: {nvidia.com/gpu: 1}}",
    probe: String? = "{httpGet: {path: /health, port: 8000}, initialDelaySeconds: 300, periodSeconds: 10, failureThreshold: 3}",
    annotations: String = "{}", volumes: String = "[]"
  ) -> String {
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: \(name), namespace: llm, annotations: \(annotations)}
    spec:
      replicas: \(replicas)
    \(deadline.map { "  progressDeadlineSeconds: \($0)" } ?? "")
      selector: {matchLabels: {app: \(name)}}
      strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
      template:
        metadata: {labels: {app: \(name)}}
        spec:
          containers:
            - name: vllm
              image: \(image)
              resources: \(resources)
    \(probe.map { "          readinessProbe: \($0)" } ?? "")
          volumes: \(volumes)

    """
  }

  static func pdb(_ rule: String = "minAvailable: 1", app: String = "vllm") -> String {
    """
    ---
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {name: \(app), namespace: llm}
    spec: {\(rule), selector: {matchLabels: {app: \(app)}}}

    """
  }

  static func hpa(
    min: Int? = 1, max: Int = 4,
    metrics: String = "[{type: Pods, pods: {metric: {name: gpu_cache_usage_perc}, target: {type: AverageValue, averageValue: \"0.7\"}}}]",
    target: String = "vllm"
  ) -> String {
    """
    ---
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata: {name: vllm, namespace: llm}
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: \(target)}
    \(min.map { "  minReplicas: \($0)" } ?? "")
      maxReplicas: \(max)
      metrics: \(metrics)

    """
  }
}
