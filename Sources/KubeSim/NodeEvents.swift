import Manifest

/// What the kubelet and the node lifecycle controller say about nodes, as events on the Node
/// (so `kubectl describe node` has a history): registration when the cluster starts, and the
/// kubelet's NodeNotSchedulable / NodeSchedulable when a node is cordoned or uncordoned.
extension SimCluster {
  mutating func recordNodeRegistration(_ node: Value) {
    guard let name = node.name else { return }
    recordEvent(node, reason: "Starting", message: "Starting kubelet.", component: "kubelet", host: name)
    recordEvent(node, reason: "NodeReady", message: "Node \(name) status is now: NodeReady", component: "kubelet", host: name)
    recordEvent(node, reason: "RegisteredNode", message: "Node \(name) event: Registered Node \(name) in Controller", component: "node-controller")
    nodeSchedulable[name] = node[path: ["spec", "unschedulable"]]?.boolValue != true
  }

  mutating func runNodeEvents() {
    for node in api.store.list(Self.gvkNode) {
      guard let name = node.name else { continue }
      let schedulable = node[path: ["spec", "unschedulable"]]?.boolValue != true
      // After a restore the first sight is the baseline, not a change.
      guard let before = nodeSchedulable[name] else {
        nodeSchedulable[name] = schedulable
        continue
      }
      guard before != schedulable else { continue }
      nodeSchedulable[name] = schedulable
      let status = schedulable ? "NodeSchedulable" : "NodeNotSchedulable"
      recordEvent(node, reason: status, message: "Node \(name) status is now: \(status)", component: "kubelet", host: name)
    }
  }
}
