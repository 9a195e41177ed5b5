#!/bin/sh
# Run by the Maven build (generate-resources): builds the firmware into the
# folder given as $1 when make and Debian's aarch64-linux-gnu-gcc are on
# PATH; otherwise says so and the committed images are used unchanged.
# The reproducibility test (FirmwareReproducibilityTest) checks that a build
# gives the committed bytes.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
for tool in make aarch64-linux-gnu-gcc; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "testdata: $tool not on PATH: using the committed firmware images"
    exit 0
  fi
done
exec make -s -C "$here" OUT="$out" all
