#!/usr/bin/env bash
# Regenerates the protobuf-c code from proto/roadsense.proto into Sources/Protocol/WireC.
# `make proto` runs it; `make check-proto` runs it into a temp dir and fails if the committed copy differs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/Sources/Protocol/WireC}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root/proto" && protoc-c --c_out="$tmp" roadsense.proto)
mkdir -p "$out/include"
sed 's|#include "roadsense.pb-c.h"|#include "include/roadsense.pb-c.h"|' "$tmp/roadsense.pb-c.c" > "$out/roadsense.pb-c.c"
cp "$tmp/roadsense.pb-c.h" "$out/include/roadsense.pb-c.h"
