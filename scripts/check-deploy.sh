#!/usr/bin/env bash
# Validates the deployment files with the real tools (no containers are run: there is no Docker
# engine here): promtool checks and unit-tests the alert rules, docker-compose parses the compose
# file, kubernetes-validate checks the manifests against the Kubernetes schemas. Installs the tools
# first (idempotent). The Rust test `deploy::*` checks that every metric they name is exported.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v promtool >/dev/null || need+=(prometheus)
command -v docker-compose >/dev/null || need+=(docker-compose)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Install without starting the packaged Prometheus service (a policy-rc.d of our own, removed
  # after; one that was already there is left alone).
  ours=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    ours=1
  fi
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ -z "$ours" ] || rm -f /usr/sbin/policy-rc.d
fi
python3 -c 'import kubernetes_validate' 2>/dev/null || python3 -m pip install -q kubernetes-validate==1.37.0

echo "check-deploy: promtool check rules"
promtool check rules deploy/prometheus/alerts.yml
echo "check-deploy: promtool test rules"
(cd deploy/prometheus && promtool test rules alerts.test.yml)
echo "check-deploy: promtool check config"
# The compose setup mounts the rules at /etc/prometheus/alerts.yml; check the config beside them.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sed "s|/etc/prometheus/alerts.yml|$PWD/deploy/prometheus/alerts.yml|" deploy/prometheus/prometheus.yml > "$tmp/prometheus.yml"
promtool check config "$tmp/prometheus.yml"
echo "check-deploy: docker-compose config"
docker-compose -f docker-compose.yml config -q
echo "check-deploy: kubernetes-validate"
kubernetes-validate --strict deploy/k8s/configmap.yaml deploy/k8s/secret.example.yaml deploy/k8s/statefulset.yaml \
  deploy/k8s/service.yaml deploy/k8s/pdb.yaml deploy/k8s/networkpolicy.yaml deploy/k8s/correlate.yaml
# ServiceMonitor is a Prometheus Operator CRD: no schema in the Kubernetes set; check its shape.
python3 - <<'PY'
import yaml
m = yaml.safe_load(open("deploy/k8s/servicemonitor.yaml"))
assert m["apiVersion"] == "monitoring.coreos.com/v1" and m["kind"] == "ServiceMonitor", m
ep = m["spec"]["endpoints"][0]
svc = yaml.safe_load(open("deploy/k8s/service.yaml"))
assert ep["port"] in [p["name"] for p in svc["spec"]["ports"]], "ServiceMonitor port names a Service port"
assert m["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items()
print("servicemonitor.yaml: selects the Service and its metrics port")
PY
echo "check-deploy: ok"
