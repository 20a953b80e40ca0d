#!/usr/bin/env bash
# Start to first frame: Vigil (--smoke-test) against an empty JavaFX window started the same way
# (same java, same JVM flags, same module path target/modules), under Xvfb.
#
#   ./mvnw -B -q package -DskipTests      # builds target/vigil-*.jar and target/modules
#   src/test/bench/startup.sh [RUNS]               # default 10 runs of each, interleaved
#   VIGIL_LAUNCHER=/opt/vigil/bin/Vigil src/test/bench/startup.sh   # also time an installed launcher
#   EXTRA_JAVA_OPTS='-XX:...' src/test/bench/startup.sh              # try JVM options on both
#   CDS=1 src/test/bench/startup.sh    # each app with its own dynamic CDS archive (made by the warm-up run)
#   AOT=1 src/test/bench/startup.sh    # adds Vigil with a JDK 25 AOT cache (JEP 483/515) from a training run
#   VIGIL_LAUNCHER=/opt/vigil/bin/Vigil INSTALLED_NOAOT=1 CHECKOUT=0 src/test/bench/startup.sh 5
#       # the installed app (its launcher uses lib/app/vigil.aot, ADR 0620) against itself with the cache
#       # switched off (-XX:AOTMode=off) and the empty window, without the checkout's own Vigil runs
#
# Besides "first frame" (the window, showing "Starting Vigil…") each Vigil run reports "console in N ms":
# the third pulse after the console's views are attached (the dashboard, or --view), same method.
# Each run prints "first frame in N ms", N measured inside the JVM from JVM start (RuntimeMXBean)
# to the third pulse after stage.show() (io.vigil.ui.FirstFrameProbe). One discarded warm-up run of
# each comes first (it unpacks native libraries and creates the database). Runs are interleaved so
# that load from other processes falls on both sides alike.
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs="${1:-10}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s "-screen 0 1920x1080x24" "$0" "$@"
fi

jar=$(ls target/vigil-*.jar | head -1)
out=target/bench
mkdir -p "$out/empty-window"
"$JAVA_HOME/bin/javac" -d "$out/empty-window" --module-path target/modules $(find src/test/bench/empty-window -name '*.java')

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export VIGIL_CONFIG_DIR="$work/config" VIGIL_DATA_DIR="$work/data"

# Vigil's launchers also open the toolkit's pulse timer to it (ADR 0890; the empty window has no module to open
# it to) and raise C2's thresholds (ADR 0891); the empty window keeps a plain JVM.
toolkit_access=(--add-opens=javafx.graphics/com.sun.glass.ui=io.vigil --add-opens=javafx.graphics/com.sun.javafx.tk.quantum=io.vigil
  --add-exports=javafx.graphics/com.sun.javafx.tk=io.vigil
  -XX:Tier4InvocationThreshold=15000 -XX:Tier4MinInvocationThreshold=1800 -XX:Tier4CompileThreshold=45000 -XX:Tier4BackEdgeThreshold=120000)
flags=(--enable-native-access=javafx.graphics,javafx.media,javafx.web,io.vigil,com.sun.jna,org.xerial.sqlitejdbc -Xmx512m -XX:+UseSerialGC ${EXTRA_JAVA_OPTS:-})
cds_vigil=(); cds_empty=()
if [[ "${CDS:-}" == 1 ]]; then
  rm -f "$out"/*.jsa
  cds_vigil=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$out/vigil.jsa")
  cds_empty=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$out/empty.jsa")
fi
vigil=("$JAVA_HOME/bin/java" "${flags[@]}" "${toolkit_access[@]}" "${cds_vigil[@]}" --module-path "target/modules:$jar" -m io.vigil/io.vigil.app.Main --smoke-test)
empty=("$JAVA_HOME/bin/java" "${flags[@]}" "${cds_empty[@]}" --module-path "target/modules:$out/empty-window" -m io.vigil.emptywindow/io.vigil.emptywindow.EmptyWindowApp)
installed=(); installed_noaot=()
if [[ -n "${VIGIL_LAUNCHER:-}" ]]; then
  installed=("$VIGIL_LAUNCHER" --smoke-test)
  # Does the installed launcher's JVM take its AOT cache? -XX:AOTMode=on fails where it cannot.
  if JAVA_TOOL_OPTIONS="-XX:AOTMode=on" "$VIGIL_LAUNCHER" --version >/dev/null 2>"$work/aot-check"; then
    echo "installed launcher: its AOT cache is used (-XX:AOTMode=on accepted)" >&2
  else
    echo "installed launcher: NO usable AOT cache (-XX:AOTMode=on refused: $(grep -m1 -i 'aot\|error' "$work/aot-check" || true))" >&2
  fi
  [[ "${INSTALLED_NOAOT:-}" == 1 ]] && installed_noaot=(env JAVA_TOOL_OPTIONS=-XX:AOTMode=off "$VIGIL_LAUNCHER" --smoke-test)
fi
checkout=1
[[ "${CHECKOUT:-1}" == 0 ]] && checkout=0
aot=()
if [[ "${AOT:-}" == 1 ]]; then
  rm -f "$out/vigil.aot"
  # Training run: records the classes loaded and linked up to the smoke test's exit, then assembles the cache.
  "${vigil[@]:0:1}" -XX:AOTCacheOutput="$out/vigil.aot" "${vigil[@]:1}" >/dev/null 2>>"$work/stderr" \
    || { cat "$work/stderr" >&2; echo "AOT training run failed" >&2; exit 1; }
  aot=("${vigil[0]}" -XX:AOTCache="$out/vigil.aot" "${vigil[@]:1}")
fi

one() {  # prints N of "first frame in N ms" (and writes M of "console in M ms" to $work/console), or fails
  local output
  output=$("$@" 2>>"$work/stderr") || { cat "$work/stderr" >&2; echo "run failed: $*" >&2; exit 1; }
  grep -oE '^console in [0-9]+ ms$' <<<"$output" | grep -oE '[0-9]+' >"$work/console" || : >"$work/console"
  grep -E '^first frame in [0-9]+ ms$' <<<"$output" | grep -oE '[0-9]+' || { echo "$output" >&2; echo "no first frame line: $*" >&2; exit 1; }
}

(( checkout )) && one "${vigil[@]}" >/dev/null
one "${empty[@]}" >/dev/null
(( ${#installed[@]} )) && one "${installed[@]}" >/dev/null
(( ${#installed_noaot[@]} )) && one "${installed_noaot[@]}" >/dev/null
(( ${#aot[@]} )) && one "${aot[@]}" >/dev/null
for f in vigil empty installed installed_noaot aot vigil.console installed.console installed_noaot.console aot.console; do : >"$work/$f"; done
for ((i = 1; i <= runs; i++)); do
  if (( checkout )); then one "${vigil[@]}" >>"$work/vigil"; cat "$work/console" >>"$work/vigil.console"; fi
  one "${empty[@]}" >>"$work/empty"
  if (( ${#installed[@]} )); then one "${installed[@]}" >>"$work/installed"; cat "$work/console" >>"$work/installed.console"; fi
  if (( ${#installed_noaot[@]} )); then one "${installed_noaot[@]}" >>"$work/installed_noaot"; cat "$work/console" >>"$work/installed_noaot.console"; fi
  if (( ${#aot[@]} )); then one "${aot[@]}" >>"$work/aot"; cat "$work/console" >>"$work/aot.console"; fi
  line="run $i/$runs:"
  for f in vigil empty installed installed_noaot aot; do [[ -s "$work/$f" ]] && line+=" $f $(tail -1 "$work/$f") ms"; done
  echo "$line, load $(cut -d' ' -f1 /proc/loadavg)" >&2
done

python3 - "$work" "$runs" "${EXTRA_JAVA_OPTS:-}" <<'PY'
import statistics, sys, os
work, runs, extra = sys.argv[1], sys.argv[2], sys.argv[3]
def load(name):
    p = os.path.join(work, name)
    return [int(x) for x in open(p).read().split()] if os.path.getsize(p) else []
series = [("Vigil (java -m, module path)", load("vigil")), ("empty JavaFX window", load("empty")),
          ("Vigil installed launcher", load("installed")),
          ("Vigil installed launcher, AOT cache off", load("installed_noaot")), ("Vigil with AOT cache", load("aot")),
          ("Vigil console (java -m)", load("vigil.console")), ("Vigil console, installed", load("installed.console")),
          ("Vigil console, installed, AOT cache off", load("installed_noaot.console")),
          ("Vigil console with AOT cache", load("aot.console"))]
print(f"start to first frame, {runs} runs each after one warm-up" + (f", extra JVM options: {extra}" if extra else "") + (", dynamic CDS archive per app" if os.environ.get("CDS") == "1" else ""))
print("| what | median ms | min ms | max ms |")
print("|---|---|---|---|")
for name, xs in series:
    if xs:
        print(f"| {name} | {statistics.median(xs):.0f} | {min(xs)} | {max(xs)} |")
empty = series[1][1]
for name, xs in series[:5]:
    if xs and xs is not empty:
        print(f"ratio {name} / empty window: {statistics.median(xs) / statistics.median(empty):.2f}x (medians), {min(xs) / min(empty):.2f}x (mins)")
print(f"load average at the end: {open('/proc/loadavg').read().split()[0]}")
PY
