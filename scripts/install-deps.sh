#!/usr/bin/env bash
# Installs the Debian packages RoadSense builds and tests with, when any is missing.
# Runs as root (CI, containers) or through sudo.
set -euo pipefail
# postgresql is Debian 12's PostgreSQL 15 (server for the store tests), sqlite3 the CLI the store benchmark
# compares against.
packages=(libzmq3-dev libprotobuf-c-dev protobuf-c-compiler libsqlite3-dev pkg-config protobuf-compiler python3-venv
    libpq-dev postgresql sqlite3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
