/// How plain (unquoted) scalars are typed. Resources are read as kustomize reads them, with
/// go-yaml v3 (`core`: YAML 1.2's core schema plus Go's integer syntax). kustomization.yaml is
/// read with sigs.k8s.io/yaml, on go-yaml v2 (`yaml11`): there `yes`, `on`, `off`, `y`, `n`
/// are booleans, so `namespace: yes` is an error, as kubectl kustomize makes it one.
public enum ScalarSchema: Sendable, Equatable {
  case core
  case yaml11
}
