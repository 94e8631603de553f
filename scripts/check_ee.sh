#!/usr/bin/env bash
# The execution environment without a container engine: `ansible-builder introspect` on the collection must list
# exactly what it needs (tzdata, no Python package), and `ansible-builder create` must make a build context whose
# Containerfile installs the collection tarball. Building the image itself needs podman or docker:
#   ansible-galaxy collection build --output-path . && ansible-builder build -f execution-environment.yml -t onec-cluster-ee
# Run by scripts/test.sh (stage "execution environment"), after scripts/bootstrap.sh; writes only .build/ee.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if ! command -v ansible-builder > /dev/null; then
    echo "ansible-builder is not installed: requirements-dev.txt pins it (ansible-builder==3.2.0)" >&2
    exit 1
fi
ee=.build/ee
rm -rf "$ee"
mkdir -p "$ee"

# what the collection declares (meta/execution-environment.yml), as the build's introspection reads it
ansible-builder introspect --sanitize .build/collections > "$ee/introspect.yml"
cat "$ee/introspect.yml"
python - "$ee/introspect.yml" <<'PY'
import sys, yaml
found = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
system = [line.split("#")[0].strip() for line in found.get("system") or []]
assert found.get("python") in (None, []), "the collection must need no Python package: %r" % found.get("python")
assert system == ["tzdata"], "the collection's system dependencies must be tzdata only: %r" % system
PY

# the build context from the collection tarball, as an operator would make it
ansible-galaxy collection build --force --output-path "$ee" . > /dev/null
cp execution-environment.yml "$ee/"
(cd "$ee" && ansible-builder create -f execution-environment.yml --context context --output-filename Containerfile)
tarball="$(cd "$ee" && ls onec-cluster-*.tar.gz)"
test -f "$ee/context/_build/galaxy/$tarball" || { echo "the context lacks galaxy/$tarball" >&2; exit 1; }
grep -q "ansible-galaxy collection install .*-r requirements.yml" "$ee/context/Containerfile"
grep -q "galaxy/$tarball" "$ee/context/_build/requirements.yml" || {
    echo "execution-environment.yml does not install $tarball (the version in galaxy.yml changed?)" >&2; exit 1; }
grep -q "ENV ONEC_CLUSTER_HOME=" "$ee/context/Containerfile"
echo "execution environment: introspect lists tzdata only; context in $ee/context (image not built: no container engine)"
