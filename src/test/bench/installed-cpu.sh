#!/usr/bin/env bash
# Idle CPU of the *installed* console (issue 12's method; figures in docs/bench/cpu.md): the .deb's
# launcher, with its AOT cache, as a user starts it. Live, with 8 fake GPUs at 1 s (the fake
# libnvidia-ml the tests build), fresh config and data folders, AWS off. After a WARMUP_S warm-up the
# process's CPU time (user + system, /proc/PID/stat) over SPAN_S with the Dashboard shown, then with
# the Settings view (Ctrl+9; a screenshot of it goes to target/bench/installed-cpu-settings.png), each
# as "% of one core". Not minimized: a bare Xvfb has no window manager to iconify the window, so the
# console would never learn of it (src/test/bench/cpu.sh measures that state from inside the JVM).
#
#   ./mvnw -q package -DskipTests && sudo dpkg -i target/installer/vigil_*.deb   # or .ci/package-test's build
#   src/test/bench/installed-cpu.sh [WARMUP_S] [SPAN_S]      # default 60 and 120
#
# Needs xvfb-run, xdotool, ImageMagick's import and an installed /opt/vigil (LAUNCHER=... for another path).
set -euo pipefail
cd "$(dirname "$0")/../../.."
warmup="${1:-60}"; span="${2:-120}"
launcher="${LAUNCHER:-/opt/vigil/bin/Vigil}"
[[ -x "$launcher" ]] || { echo "installed-cpu: no launcher at $launcher (install the .deb first)" >&2; exit 1; }
[[ -f target/native/libnvidia-ml.so.1 ]] || { echo "installed-cpu: build first (./mvnw -q package -DskipTests): no target/native/libnvidia-ml.so.1" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
export HOME="$work/home" VIGIL_CONFIG_DIR="$work/config" VIGIL_DATA_DIR="$work/data"
export VIGIL_NVML_LIB="$PWD/target/native/libnvidia-ml.so.1" FAKE_NVML_GPU_COUNT=8
export JAVA_TOOL_OPTIONS="-Dvigil.cloud.enabled=false ${EXTRA_JAVA_OPTS:-}"
mkdir -p target/bench
export launcher warmup span work shot="$PWD/target/bench/installed-cpu-settings.png"
xvfb-run -a -s "-screen 0 1280x820x24" bash -c '
  set -euo pipefail
  "$launcher" >"$work/app.log" 2>&1 &
  app=$!   # the jpackage launcher runs the JVM in its own process
  ticks() { awk "{print \$14 + \$15}" /proc/$app/stat; }
  measure() {
    local a b t0 t1
    a=$(ticks); t0=$(date +%s%N); sleep "$span"; b=$(ticks); t1=$(date +%s%N)
    python3 -c "import os; print(\"cpu %s: %.1f %% of one core over %s s\" % (\"$1\", ($b - $a) / os.sysconf(\"SC_CLK_TCK\") / (($t1 - $t0) / 1e9) * 100, $span))"
  }
  sleep "$warmup"
  echo "installed-cpu: $(nproc) cores, load $(cut -d" " -f1-3 /proc/loadavg), warm-up $warmup s"
  measure dashboard
  xdotool key ctrl+9   # the console is the only window, so it has the focus
  sleep 2
  import -window root "$shot"
  measure "settings view (no charts)"
  kill "$app"; wait "$app" || true
'
