#!/usr/bin/env bash
# Idle CPU of the console (issue 12; figures in docs/bench/cpu.md), under Xvfb:
#
#   ./mvnw -B -q package -DskipTests     # target/vigil-*.jar, target/modules and target/native (fake NVML)
#   src/test/bench/cpu.sh [WARMUP_S] [SPAN_S]     # default 60 s warm-up, 60 s per state
#   CPU_MODES=live EXTRA_JAVA_OPTS='-XX:...' src/test/bench/cpu.sh   # one mode only; try JVM options
#   CPU_STATES=settings src/test/bench/cpu.sh   # which states, in order; the console opens on the first one's view
#   CPU_STATES=alerts,alerts-filter src/test/bench/cpu.sh   # the Alerts view, then with its text filter focused (ADR 0892)
#
# Two modes, each in a fresh JVM and fresh config/data folders: the demo (--demo=1: the built-in
# incident at real-time speed) and live mode with 8 fake GPUs at 1 s (the fake libnvidia-ml the
# tests build, VIGIL_NVML_LIB). In each: process CPU (all threads) over SPAN_S with the Dashboard
# shown, with the Settings view shown, and with the window minimized (src/test/bench/cpu/...IdleCpuBench).
# Targets (issue 12): <= 3 % of one core on the Dashboard, <= 1 % minimized or on a view without charts.
set -euo pipefail
cd "$(dirname "$0")/../../.."
warmup="${1:-60}"; span="${2:-60}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s "-screen 0 1920x1080x24" "$0" "$@"
fi
jar=$(ls target/vigil-*.jar | head -1)
out=target/bench
mkdir -p "$out/cpu"
"$JAVA_HOME/bin/javac" -d "$out/cpu" --module-path "target/modules:$jar" $(find src/test/bench/cpu -name '*.java')
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() {  # label, then Vigil's arguments
  local label="$1"; shift
  echo "== $label ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), warm-up ${warmup} s, ${span} s per state)"
  VIGIL_CONFIG_DIR="$work/$label/config" VIGIL_DATA_DIR="$work/$label/data" \
  "$JAVA_HOME/bin/java" --enable-native-access=javafx.graphics,javafx.media,javafx.web,io.vigil,com.sun.jna,org.xerial.sqlitejdbc \
    --add-opens=javafx.graphics/com.sun.glass.ui=io.vigil --add-opens=javafx.graphics/com.sun.javafx.tk.quantum=io.vigil --add-exports=javafx.graphics/com.sun.javafx.tk=io.vigil \
    -Xmx512m -XX:+UseSerialGC -XX:Tier4InvocationThreshold=15000 -XX:Tier4MinInvocationThreshold=1800 -XX:Tier4CompileThreshold=45000 -XX:Tier4BackEdgeThreshold=120000 ${EXTRA_JAVA_OPTS:-} -Dvigil.cloud.enabled=false --module-path "target/modules:$jar:$out/cpu" \
    -m io.vigil.cpubench/io.vigil.cpubench.IdleCpuBench "$warmup" "$span" "$@" 2>"$work/$label.err" \
    | grep -E '^(cpu|rss) ' || { tail -20 "$work/$label.err" >&2; echo "benchmark run failed: $label" >&2; exit 1; }
}
modes="${CPU_MODES:-demo live}"
[[ " $modes " == *" demo "* ]] && run demo --demo=1
[[ " $modes " == *" live "* ]] && VIGIL_NVML_LIB="$PWD/target/native/libnvidia-ml.so.1" FAKE_NVML_GPU_COUNT=8 run live-8-gpus
exit 0
