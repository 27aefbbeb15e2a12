#!/usr/bin/env bash
# Packs the package in the current directory the way `pnpm publish` would (publishConfig applied,
# workspace: ranges replaced) and lints the tarball: publint for package.json/exports problems,
# are-the-types-wrong for type resolution. The packages are ESM-only (Node 20.19+ can also
# require() them), hence attw's esm-only profile.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pnpm pack --pack-destination "$out" >/dev/null
tarball=$(ls "$out"/*.tgz)
pnpm exec publint run "$tarball" --strict --pack false
pnpm exec attw "$tarball" --profile esm-only --format table-flipped
