/// The embedded cluster a fresh checkout runs against: three single-GPU nodes (so the example
/// app, two replicas of one GPU each, can surge by one pod but not by two) and a CPU node.
/// The GPU nodes are tainted and ExtendedResourceToleration admits GPU pods onto them, as on
/// GKE's GPU node pools, so a manifest without tolerations runs as written.
/// Image tags ending in `-crash`, `-oom`, `-never-ready`, `-pullerror`, `-flap`, `-slow`, `-errors` or
/// `-slow-latency` misbehave on purpose so a demo can show each failure.
public enum DefaultScenario {
  public static let yaml = """
    seed: 42
    # As a managed cloud's GPU node pool: GPU nodes are tainted nvidia.com/gpu, and a pod that
    # requests a GPU tolerates that taint without saying so.
    admission:
      extendedResourceToleration: true
    nodePools:
      - namePrefix: gpu-node
        count: 3
        labels:
          nvidia.com/gpu.present: "true"
        taints:
          - {key: nvidia.com/gpu, effect: NoSchedule}
        allocatable: {cpu: "16", memory: 128Gi, nvidia.com/gpu: 1, pods: 110}
    nodes:
      - name: cpu-node-1
        allocatable: {cpu: "8", memory: 32Gi, pods: 110}
    defaults:
      pullSeconds: 20
      modelLoadSeconds: 0
      metrics: {errorRate: 0.001, latencyP50Ms: 120, latencyP95Ms: 450, latencyP99Ms: 800, gpu_cache_usage_perc: 0.5}
    images:
      - image: "vllm/vllm-openai*"
        pullSeconds: 90
        modelLoadSeconds: 240
      - tagSuffix: "-crash"
        crash: {afterSeconds: 30, exitCode: 1}
      - tagSuffix: "-oom"
        oom: {afterSeconds: 60}
      - tagSuffix: "-never-ready"
        neverReady: true
      - tagSuffix: "-pullerror"
        pullError: true
      - tagSuffix: "-flap"
        flap: {readySeconds: 60, notReadySeconds: 30}
      - tagSuffix: "-slow"
        modelLoadSeconds: 600
      - tagSuffix: "-errors"
        metrics: {errorRate: 0.2}
      - tagSuffix: "-slow-latency"
        metrics: {latencyP99Ms: 5000}
    objects:
      - apiVersion: v1
        kind: Namespace
        metadata: {name: default}
      - apiVersion: v1
        kind: Namespace
        metadata: {name: kube-system}
    """

  public static func scenario() -> Scenario {
    // The text above is fixed and covered by tests; a failure here is a programming error.
    do {
      return try Scenario(yaml: yaml, file: "<default scenario>")
    } catch {
      preconditionFailure("default scenario is invalid: \(error)")
    }
  }
}
