#!/usr/bin/env bash
# Builds the pinned control-plane binaries the e2e suite runs, from their Go modules.
# Each folder beside this script is a wrapper module (go.mod + go.sum, committed) whose
# `tool` lines name the main packages to build. Binaries land in a cache outside the
# repository, ${BERTH_E2E_CACHE:-~/.cache/berth-e2e}/bin, each with a stamp of its wrapper
# module's contents and build flags, and are rebuilt only when that stamp changes.
# Prints that bin folder on its last line. Exit 2 when a tool cannot be built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
K8S_VERSION=v1.37.2
# The Argo CD release berth pins, and the Go toolchain it needs (Argo CD 3.6 declares go 1.27;
# the module proxy serves that toolchain): generator/pins/argo-cd.json names both.
pins="$here/../../generator/pins/argo-cd.json"
pin() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$pins"; }
ARGOCD_VERSION=$(pin argoCd) HELM_VERSION=v$(pin helm) KUSTOMIZE_VERSION=v$(pin kustomize)
export GOTOOLCHAIN=${GOTOOLCHAIN_OVERRIDE:-$(pin goToolchain)}

command -v go >/dev/null || { echo "e2e tools: go is not installed (Go >= 1.21 is needed; it fetches the pinned toolchain)" >&2; exit 2; }
out="${BERTH_E2E_CACHE:-$HOME/.cache/berth-e2e}"
mkdir -p "$out/bin" "$out/logs"

export CGO_ENABLED=0 GOFLAGS=-mod=mod
# Kubernetes' own build flags (hack/lib/golang.sh); without the version ldflags the server
# reports v0.0.0-master, which helm's and Argo CD's version parsing reject.
k8s_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitTreeState=clean"

build() { # <wrapper folder> <binary name> <package> [extra go build args...]
  local mod=$1 name=$2 pkg=$3; shift 3
  local stamp
  stamp=$(cat "$here/$mod/go.mod" "$here/$mod/go.sum" <(go version) <(printf '%s\n' "$pkg" "$@") | sha256sum | cut -c1-16)
  if [ -x "$out/bin/$name" ] && [ "$(cat "$out/bin/$name.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  local start=$SECONDS
  echo "e2e tools: building $name from $pkg" >&2
  if ! (cd "$here/$mod" && go build -trimpath "$@" -o "$out/bin/$name.tmp" "$pkg") >"$out/logs/$name.log" 2>&1; then
    echo "e2e tools: could not build $name; last lines of $out/logs/$name.log:" >&2
    tail -n 20 "$out/logs/$name.log" >&2
    exit 2
  fi
  mv "$out/bin/$name.tmp" "$out/bin/$name"
  echo "$stamp" >"$out/bin/$name.stamp"
  echo "e2e tools: built $name in $((SECONDS - start)) s" >&2
}

tools=${BERTH_E2E_TOOLS:-etcd kube-apiserver kube-controller-manager kube-scheduler kwok helm kustomize argocd sealed-secrets-controller}
for t in $tools; do
  case $t in
    etcd) build etcd etcd go.etcd.io/etcd/server/v3 -ldflags "-s -w" ;;
    kube-apiserver|kube-controller-manager|kube-scheduler)
      build kubernetes "$t" "k8s.io/kubernetes/cmd/$t" -tags selinux,notest,grpcnotrace -ldflags "$k8s_ldflags" ;;
    kwok) build kwok kwok sigs.k8s.io/kwok/cmd/kwok -ldflags "-s -w" ;;
    argocd) build argo-cd argocd github.com/argoproj/argo-cd/v3/cmd \
      -ldflags "-s -w -X github.com/argoproj/argo-cd/v3/common.version=${ARGOCD_VERSION#v} -X github.com/argoproj/argo-cd/v3/common.gitTreeState=clean" ;;
    sealed-secrets-controller) build sealed-secrets sealed-secrets-controller github.com/bitnami/sealed-secrets/cmd/controller \
      -ldflags "-s -w -X main.VERSION=v0.40.0" ;;
    # The pinned Argo CD's repo-server runs these (its hack/tool-versions.sh pins them).
    helm) build helm helm helm.sh/helm/v4/cmd/helm -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean" ;;
    kustomize) build kustomize kustomize sigs.k8s.io/kustomize/kustomize/v5 -ldflags "-s -w -X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION" ;;
    *) echo "e2e tools: unknown tool $t" >&2; exit 2 ;;
  esac
done
echo "$out/bin"
