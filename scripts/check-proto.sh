#!/usr/bin/env bash
# Fails when Sources/Protocol/WireC is not exactly what protoc-c makes of proto/roadsense.proto.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$root/scripts/gen-proto.sh" "$tmp"
if ! diff -r "$tmp" "$root/Sources/Protocol/WireC" >/dev/null; then
    echo "generated protobuf-c code is stale: run 'make proto' and commit Sources/Protocol/WireC" >&2
    diff -r "$tmp" "$root/Sources/Protocol/WireC" | head -20 >&2
    exit 1
fi
echo "protobuf-c code matches proto/roadsense.proto"
