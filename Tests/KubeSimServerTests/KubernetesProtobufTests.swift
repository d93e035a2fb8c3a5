import Foundation
import Kube
import Manifest
import Testing

@testable import KubeSimServer

/// The generic decoder on bodies built field by field, for what kubectl's commands rarely send:
/// packed lists, unknown fields, embedded structs, special types, broken input.
@Suite("Kubernetes protobuf bodies")
struct KubernetesProtobufTests {
  static func message(_ build: (inout ProtobufWriter) -> Void) -> [UInt8] {
    var writer = ProtobufWriter()
    build(&writer)
    return writer.bytes
  }

  /// `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}.
  static func body(apiVersion: String, kind: String, raw: [UInt8]) -> [UInt8] {
    let typeMeta = message {
      $0.string(1, apiVersion)
      $0.string(2, kind)
    }
    return KubernetesProtobuf.magic + message {
      $0.message(1, typeMeta)
      $0.message(2, raw)
    }
  }

  static let deployment: [UInt8] = {
    let labels = message {
      $0.string(1, "app")
      $0.string(2, "vllm")
    }
    let metadata = message {
      $0.string(1, "vllm")
      $0.message(11, labels)
    }
    let limits = message {
      $0.string(1, "nvidia.com/gpu")
      $0.message(2, message { $0.string(1, "1") })
    }
    let configMapRef = message { $0.message(1, message { $0.string(1, "model") }) }
    let container = message {
      $0.string(1, "vllm")
      $0.string(2, "vllm/vllm-openai:v0.6.3")
      $0.message(8, message { $0.message(1, limits) })
      $0.message(19, message { $0.message(2, configMapRef) })
      $0.string(999, "a field from a newer Kubernetes")
    }
    // supplementalGroups packed: one length-delimited run of varints.
    let securityContext = message { $0.message(4, [0x01, 0xE8, 0x07]) }
    let podSpec = message {
      $0.message(2, container)
      $0.message(14, securityContext)
    }
    let strategy = message {
      $0.string(1, "RollingUpdate")
      $0.message(2, message { $0.message(2, message { $0.presentBool(1, true); $0.string(3, "50%") }) })
    }
    let spec = message {
      $0.int(1, 3)
      $0.message(3, message { $0.message(1, message { $0.message(11, labels) }); $0.message(2, podSpec) })
      $0.message(4, strategy)
    }
    return body(apiVersion: "apps/v1", kind: "Deployment", raw: message { $0.message(1, metadata); $0.message(2, spec) })
  }()

  @Test func decodesADeploymentAsItsJSON() throws {
    let object = try KubernetesProtobuf.decode(Self.deployment)
    #expect(object.apiVersion == "apps/v1")
    #expect(object.kind == "Deployment")
    #expect(object[path: ["metadata"]] == ["name": "vllm", "labels": ["app": "vllm"]])
    #expect(object[path: ["spec", "replicas"]] == 3)
    #expect(object[path: ["spec", "strategy"]] == ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": "50%"]])
    let pod = try #require(object[path: ["spec", "template", "spec"]])
    #expect(pod["securityContext"] == ["supplementalGroups": [1, 1000]])
    #expect(
      pod["containers"] == [
        [
          "name": "vllm", "image": "vllm/vllm-openai:v0.6.3", "resources": ["limits": ["nvidia.com/gpu": "1"]],
          // ConfigMapEnvSource embeds LocalObjectReference: its name sits in the parent in JSON.
          "envFrom": [["configMapRef": ["name": "model"]]],
        ]
      ])
  }

  @Test func refusesWhatItCannotRead() {
    #expect(throws: KubeError.badRequest("the protobuf body could not be decoded: truncated")) {
      try KubernetesProtobuf.decode(Array(Self.deployment.dropLast(3)))
    }
    let custom = Self.body(apiVersion: "example.com/v1", kind: "Widget", raw: [])
    #expect {
      try KubernetesProtobuf.decode(custom)
    } throws: { error in
      guard case .status(let status) = error as? KubeError else { return false }
      return status.code == 415 && status.message.contains("send example.com/v1 Widget as JSON or YAML")
    }
  }
}
