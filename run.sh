#!/usr/bin/env bash
# run.sh — entry point of the WWW2018 "Learning to Recognize Musical Genre"
# challenge (round 2). Reads every *.mp3 (any case) directly in
# $TEST_DIRECTORY and writes the challenge CSV to $OUTPUT_PATH, atomically.
# Works from any working directory, offline, on a read-only payload.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
die() { echo "run.sh: $*" >&2; exit 1; }

[ -n "${TEST_DIRECTORY:-}" ] || die "TEST_DIRECTORY is not set: point it at the folder of mp3 clips"
[ -n "${OUTPUT_PATH:-}" ] || die "OUTPUT_PATH is not set: point it at the CSV file to write"
[ -d "$TEST_DIRECTORY" ] || die "TEST_DIRECTORY=$TEST_DIRECTORY is not a folder"
[ -r "$TEST_DIRECTORY" ] && [ -x "$TEST_DIRECTORY" ] || die "TEST_DIRECTORY=$TEST_DIRECTORY is not readable"

bin="$here/bin/genrec"
model="$here/models/genrec.json"
if [ ! -x "$bin" ]; then
  # postBuild builds the binary at image build time; build it now if it is
  # missing and a Go toolchain is at hand (genrec needs no module downloads).
  command -v go >/dev/null 2>&1 || die "$bin is missing and no Go toolchain is available; run ./postBuild"
  echo "run.sh: building genrec" >&2
  (cd "$here" && CGO_ENABLED=1 go build -trimpath -o bin/genrec ./cmd/genrec) || die "building genrec failed"
fi
[ -r "$model" ] || die "model file $model is missing or unreadable"

# genrec uses every core the container may use (cgroup quota aware) and
# writes the CSV through a temporary file renamed into place.
"$bin" predict --ext mp3 --prior fma --model "$model" -o "$OUTPUT_PATH" -- "$TEST_DIRECTORY"
echo "Output file written at $OUTPUT_PATH"
