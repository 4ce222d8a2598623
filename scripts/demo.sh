#!/usr/bin/env bash
# The main job on the bundled example stories: analyse each one, then show what was found.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p out
for f in examples/*.txt examples/*.html examples/*.epub; do
  [ -e "$f" ] || continue
  name=$(basename "$f")
  "$BIN/ficlens" analyze "$f" -o "out/${name%.*}.json"
  echo "analysed $f -> out/${name%.*}.json"
done
