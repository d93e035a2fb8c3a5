public import Kube
public import Manifest

/// The default roles and bindings kube-apiserver creates at start (its rbac/bootstrap-roles
/// hook), taken from upstream's bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy,
/// testdata/cluster-roles.yaml): the user-facing roles (`cluster-admin`, `admin`, `edit`,
/// `view`, the last three aggregated from `system:aggregate-to-*`) and the `system:` roles every
/// client needs (discovery, health, self reviews). Controller and node roles are left out: no
/// component of the simulation authenticates as one.
public enum BootstrapPolicy {
  static let source = #"""
    kind: ClusterRole
    metadata: {name: cluster-admin}
    rules:
    - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
    - {nonResourceURLs: ["*"], verbs: ["*"]}
    ---
    kind: ClusterRole
    metadata: {name: admin}
    aggregationRule:
      clusterRoleSelectors:
      - matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}
    rules: []
    ---
    kind: ClusterRole
    metadata:
      name: edit
      labels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}
    aggregationRule:
      clusterRoleSelectors:
      - matchLabels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
    rules: []
    ---
    kind: ClusterRole
    metadata:
      name: view
      labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
    aggregationRule:
      clusterRoleSelectors:
      - matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
    rules: []
    ---
    kind: ClusterRole
    metadata:
      name: system:aggregate-to-admin
      labels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}
    rules:
    - {apiGroups: [authorization.k8s.io], resources: [localsubjectaccessreviews], verbs: [create]}
    - apiGroups: [rbac.authorization.k8s.io]
      resources: [rolebindings, roles]
      verbs: [create, delete, deletecollection, get, list, patch, update, watch]
    ---
    kind: ClusterRole
    metadata:
      name: system:aggregate-to-edit
      labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
    rules:
    - {apiGroups: [""], resources: [pods/attach, pods/exec, pods/portforward, pods/proxy, secrets, services/proxy], verbs: [get, list, watch]}
    - {apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}
    - {apiGroups: [""], resources: [pods, pods/attach, pods/exec, pods/portforward, pods/proxy], verbs: [create, delete, deletecollection, patch, update]}
    - {apiGroups: [""], resources: [pods/eviction], verbs: [create]}
    - apiGroups: [""]
      resources: [configmaps, persistentvolumeclaims, replicationcontrollers, replicationcontrollers/scale, secrets, serviceaccounts, services, services/proxy]
      verbs: [create, delete, deletecollection, patch, update]
    - {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}
    - {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, delete, deletecollection, patch, update]}
    - apiGroups: [apps]
      resources: [daemonsets, deployments, deployments/rollback, deployments/scale, replicasets, replicasets/scale, statefulsets, statefulsets/scale]
      verbs: [create, delete, deletecollection, patch, update]
    - {apiGroups: [autoscaling], resources: [horizontalpodautoscalers], verbs: [create, delete, deletecollection, patch, update]}
    - {apiGroups: [batch], resources: [cronjobs, jobs], verbs: [create, delete, deletecollection, patch, update]}
    - apiGroups: [extensions]
      resources: [daemonsets, deployments, deployments/rollback, deployments/scale, ingresses, networkpolicies, replicasets, replicasets/scale, replicationcontrollers/scale]
      verbs: [create, delete, deletecollection, patch, update]
    - {apiGroups: [policy], resources: [poddisruptionbudgets], verbs: [create, delete, deletecollection, patch, update]}
    - {apiGroups: [networking.k8s.io], resources: [ingresses, networkpolicies], verbs: [create, delete, deletecollection, patch, update]}
    - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create, delete, deletecollection, get, list, patch, update, watch]}
    - {apiGroups: [resource.k8s.io], resources: [resourceclaims, resourceclaimtemplates], verbs: [create, delete, deletecollection, patch, update]}
    ---
    kind: ClusterRole
    metadata:
      name: system:aggregate-to-view
      labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
    rules:
    - apiGroups: [""]
      resources: [configmaps, endpoints, persistentvolumeclaims, persistentvolumeclaims/status, pods, replicationcontrollers, replicationcontrollers/scale, serviceaccounts, services, services/status]
      verbs: [get, list, watch]
    - apiGroups: [""]
      resources: [bindings, limitranges, namespaces/status, pods/log, pods/status, replicationcontrollers/status, resourcequotas, resourcequotas/status]
      verbs: [get, list, watch]
    - {apiGroups: [""], resources: [namespaces], verbs: [get, list, watch]}
    - {apiGroups: ["", events.k8s.io], resources: [events], verbs: [get, list, watch]}
    - {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [get, list, watch]}
    - apiGroups: [apps]
      resources: [controllerrevisions, daemonsets, daemonsets/status, deployments, deployments/scale, deployments/status, replicasets, replicasets/scale, replicasets/status, statefulsets, statefulsets/scale, statefulsets/status]
      verbs: [get, list, watch]
    - {apiGroups: [autoscaling], resources: [horizontalpodautoscalers, horizontalpodautoscalers/status], verbs: [get, list, watch]}
    - {apiGroups: [batch], resources: [cronjobs, cronjobs/status, jobs, jobs/status], verbs: [get, list, watch]}
    - apiGroups: [extensions]
      resources: [daemonsets, daemonsets/status, deployments, deployments/scale, deployments/status, ingresses, ingresses/status, networkpolicies, replicasets, replicasets/scale, replicasets/status, replicationcontrollers/scale]
      verbs: [get, list, watch]
    - {apiGroups: [policy], resources: [poddisruptionbudgets, poddisruptionbudgets/status], verbs: [get, list, watch]}
    - {apiGroups: [networking.k8s.io], resources: [ingresses, ingresses/status, networkpolicies], verbs: [get, list, watch]}
    - {apiGroups: [resource.k8s.io], resources: [resourceclaims, resourceclaims/status, resourceclaimtemplates], verbs: [get, list, watch]}
    ---
    kind: ClusterRole
    metadata: {name: "system:auth-delegator"}
    rules:
    - {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
    - {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
    ---
    kind: ClusterRole
    metadata: {name: "system:basic-user"}
    rules:
    - {apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews, selfsubjectrulesreviews], verbs: [create]}
    - {apiGroups: [authentication.k8s.io], resources: [selfsubjectreviews], verbs: [create]}
    ---
    kind: ClusterRole
    metadata: {name: "system:discovery"}
    rules:
    - nonResourceURLs: [/api, /api/*, /apis, /apis/*, /healthz, /livez, /openapi, /openapi/*, /readyz, /version, /version/]
      verbs: [get]
    ---
    kind: ClusterRole
    metadata: {name: "system:monitoring"}
    rules:
    - nonResourceURLs: [/healthz, /healthz/*, /livez, /livez/*, /metrics, /metrics/slis, /readyz, /readyz/*, /statusz]
      verbs: [get]
    - {apiGroups: [""], resources: [nodes/metrics], verbs: [get]}
    ---
    kind: ClusterRole
    metadata: {name: "system:public-info-viewer"}
    rules:
    - {nonResourceURLs: [/healthz, /livez, /readyz, /version, /version/], verbs: [get]}
    ---
    kind: ClusterRoleBinding
    metadata: {name: cluster-admin}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:masters"}]
    ---
    kind: ClusterRoleBinding
    metadata: {name: "system:basic-user"}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:basic-user"}
    subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}]
    ---
    kind: ClusterRoleBinding
    metadata: {name: "system:discovery"}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:discovery"}
    subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}]
    ---
    kind: ClusterRoleBinding
    metadata: {name: "system:monitoring"}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:monitoring"}
    subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:monitoring"}]
    ---
    kind: ClusterRoleBinding
    metadata: {name: "system:public-info-viewer"}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
    subjects:
    - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
    - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}
    """#

  /// Every default object, labelled and annotated as upstream labels them (the annotation tells
  /// `kubectl auth reconcile` and the API server that they may be brought up to date).
  public static func objects() throws(KubeError) -> [Value] {
    let documents: [Value]
    do {
      documents = try YAMLReader.documents(source, file: "<bootstrap policy>")
    } catch {
      throw KubeError.internalError("the bootstrap RBAC policy does not parse: \(error)")
    }
    return documents.map { document in
      var object: Value = ["apiVersion": "rbac.authorization.k8s.io/v1"]
      for (key, value) in document.objectValue ?? [:] { object[key] = value }
      object[path: ["metadata", "annotations", "rbac.authorization.kubernetes.io/autoupdate"]] = "true"
      object[path: ["metadata", "labels", "kubernetes.io/bootstrapping"]] = "rbac-defaults"
      return object
    }
  }
}
