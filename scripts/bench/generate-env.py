#!/usr/bin/env python3
"""Writes an environment repo with one environment `bench` of N objects (ConfigMaps, Secrets
and Services in one namespace) for scripts/bench/diff.sh."""
import os
import sys

root, count = sys.argv[1], int(sys.argv[2])
env = os.path.join(root, "environments", "bench")
os.makedirs(env, exist_ok=True)
with open(os.path.join(env, "release.yaml"), "w") as f:
    f.write("apiVersion: release.dev/v1alpha1\nkind: Environment\ncluster: {embedded: {}}\n")
docs = ["apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench\n"]
for i in range(count - 1):
    kind = i % 5
    if kind < 3:
        docs.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-{i}\n  namespace: bench\n"
                    f"data:\n  MODEL_NAME: Qwen/Qwen2.5-7B-Instruct\n  MAX_MODEL_LEN: \"8192\"\n  index: \"{i}\"\n")
    elif kind == 3:
        docs.append(f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: token-{i}\n  namespace: bench\n"
                    f"stringData:\n  token: not-a-real-token-{i}\n")
    else:
        docs.append(f"apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\n  namespace: bench\n"
                    f"spec:\n  selector:\n    app: svc-{i}\n  ports:\n  - port: 80\n    targetPort: 8000\n")
with open(os.path.join(env, "objects.yaml"), "w") as f:
    f.write("---\n".join(docs))
with open(os.path.join(env, "kustomization.yaml"), "w") as f:
    f.write("resources:\n- objects.yaml\n")
with open(os.path.join(root, ".gitignore"), "w") as f:
    f.write(".release/\n")
