/// An API failure, shaped after `meta.v1.Status` so callers can match on code and reason.
/// DRAFT: the KubeSim issue fills in the cases.
public enum KubeError: Error, Sendable, Equatable {
  case notFound(String)
}
