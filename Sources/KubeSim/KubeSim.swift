/// DRAFT placeholder: the simulated cluster is built in the KubeSim issue.
public enum KubeSimVersion {
  public static let schema = 1
}
