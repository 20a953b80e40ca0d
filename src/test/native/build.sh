#!/bin/sh
# Compiles the fake libnvidia-ml (and its "old driver" variant, and the C benchmark loop) into
# target/native. Run by the pom in generate-test-resources; needs gcc.
set -eu
src="$(dirname "$0")"
out="${1:?usage: build.sh OUTPUT_DIR}"
if ! command -v "${CC:-gcc}" >/dev/null 2>&1; then
    echo "ERROR: gcc is needed to build the fake NVML library for the GPU tests (src/test/native)." >&2
    echo "       Install it (Debian/Ubuntu: sudo apt-get install gcc) or set CC to a C compiler." >&2
    exit 1
fi
cc="${CC:-gcc}"
mkdir -p "$out/old"
"$cc" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden \
    -Wl,-soname,libnvidia-ml.so.1 -o "$out/libnvidia-ml.so.1" "$src/fake_nvml.c"
"$cc" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -DFAKE_OLD_DRIVER \
    -Wl,-soname,libnvidia-ml.so.1 -o "$out/old/libnvidia-ml.so.1" "$src/fake_nvml.c"
if [ -f "$src/nvml_loop.c" ]; then
    "$cc" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$out/nvml_loop" "$src/nvml_loop.c" -ldl
fi
