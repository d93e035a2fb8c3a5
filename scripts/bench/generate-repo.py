#!/usr/bin/env python3
"""Writes a synthetic environment repo: N environments of ~25 objects each, over shared bases,
with the overlay features real repos use (generators, strategic-merge and JSON6902 patches,
images, replicas, labels, namespace, prefixes). Deterministic for given arguments."""
import os
import sys

root = sys.argv[1]
environments = int(sys.argv[2]) if len(sys.argv) > 2 else 100


def write(path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)


def deployment(name, image, gpu):
    resources = "            limits:\n              nvidia.com/gpu: 1\n" if gpu else "            requests:\n              cpu: 100m\n"
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      serviceAccountName: {name}
      containers:
        - name: {name}
          image: {image}
          envFrom:
            - configMapRef:
                name: settings
          env:
            - name: MODEL_NAME
              valueFrom:
                configMapKeyRef:
                  name: model
                  key: MODEL_NAME
          ports:
            - name: http
              containerPort: 8000
          readinessProbe:
            httpGet:
              path: /health
              port: 8000
            initialDelaySeconds: 300
          resources:
{resources}          volumeMounts:
            - name: cache
              mountPath: /cache
      volumes:
        - name: cache
          persistentVolumeClaim:
            claimName: {name}-cache
"""


def service(name):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: {name}
  ports:
    - name: http
      port: 80
      targetPort: 8000
"""


base_files = []
apps = [("vllm", "vllm/vllm-openai:v0.6.3", True), ("router", "example/router:1.4", False), ("embed", "example/embed:2.0", True)]
for name, image, gpu in apps:
    write(f"templates/app/{name}-deployment.yaml", deployment(name, image, gpu))
    write(f"templates/app/{name}-service.yaml", service(name))
    write(f"templates/app/{name}-sa.yaml", f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n")
    write(f"templates/app/{name}-pvc.yaml", f"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}-cache\nspec:\n  accessModes: [ReadOnlyMany]\n  resources:\n    requests:\n      storage: 100Gi\n")
    write(f"templates/app/{name}-pdb.yaml", f"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: {name}\n")
    write(f"templates/app/{name}-hpa.yaml", f"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {name}\n  minReplicas: 1\n  maxReplicas: 4\n")
    base_files += [f"{name}-{kind}.yaml" for kind in ("deployment", "service", "sa", "pvc", "pdb", "hpa")]
write("templates/app/ingress.yaml", """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: gateway
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: "300"
spec:
  rules:
    - host: llm.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: router
                port:
                  number: 80
""")
write("templates/app/role.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: [get, list]\n")
write("templates/app/rolebinding.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\nsubjects:\n  - kind: ServiceAccount\n    name: vllm\n")
base_files += ["ingress.yaml", "role.yaml", "rolebinding.yaml"]
write("templates/app/kustomization.yaml", "resources:\n" + "".join(f"  - {f}\n" for f in base_files)
      + "labels:\n  - pairs:\n      app.kubernetes.io/part-of: inference\n    includeSelectors: true\n")

for i in range(environments):
    env = f"env-{i:03d}"
    write(f"environments/{env}/namespace.yaml", f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {env}\n")
    write(f"environments/{env}/release.yaml", "apiVersion: release.dev/v1alpha1\nkind: Environment\ncluster:\n  embedded: {}\n")
    write(f"environments/{env}/router-patch.yaml", f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: router
spec:
  template:
    spec:
      containers:
        - name: router
          env:
            - name: REGION
              value: region-{i % 7}
""")
    write(f"environments/{env}/kustomization.yaml", f"""apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: {env}
namePrefix: {env}-
resources:
  - namespace.yaml
  - ../../templates/app
labels:
  - pairs:
      environment: {env}
commonAnnotations:
  owner: team-{i % 5}
images:
  - name: vllm/vllm-openai
    newTag: v0.6.{i % 4}
  - name: example/router
    newName: registry.local/router
replicas:
  - name: vllm
    count: {1 + i % 3}
configMapGenerator:
  - name: model
    literals:
      - MODEL_NAME=Qwen/Qwen2.5-{7 + i % 3}B-Instruct
      - MAX_MODEL_LEN="8192"
  - name: settings
    literals:
      - LOG_LEVEL=info
      - SHARD={i}
secretGenerator:
  - name: api-token
    literals:
      - token=t-{i:05d}
patches:
  - path: router-patch.yaml
  - target:
      kind: HorizontalPodAutoscaler
    patch: |-
      - op: replace
        path: /spec/maxReplicas
        value: {2 + i % 3}
  - target:
      kind: Ingress
      name: gateway
    patch: |-
      - op: replace
        path: /spec/rules/0/host
        value: {env}.llm.example.com
""")
print(f"wrote {environments} environments under {root}")
