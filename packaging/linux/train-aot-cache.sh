#!/usr/bin/env bash
# Trains a JDK 25 AOT cache (JEP 483/514/515) for an app image and makes its launcher use it
# (ADR 0620). Called by the pom's profile "package" between jpackage's app image and the installer:
#
#   packaging/linux/train-aot-cache.sh IMAGE INSTALL_DIR LOG
#     IMAGE        the app image jpackage made (target/app-image/Vigil)
#     INSTALL_DIR  where the package installs it (/opt/vigil for the .deb and the .rpm)
#     LOG          where the training run's output goes
#
# Why the image is run at INSTALL_DIR: the JVM accepts a cache only when the module path it is
# started with is the one the cache was trained with, string for string (a moved image gets
# "optimized module handling: disabled because extra module path(s) are specified" and no cache).
# The launcher's module path is $APPDIR, i.e. INSTALL_DIR/lib/app once installed. So the training
# run sees IMAGE at INSTALL_DIR through a bind mount in a private mount namespace (unshare), which
# nobody else on the machine sees, and writes IMAGE/lib/app/vigil.aot. The training run is
# `Vigil --demo=1 --smoke-test` under Xvfb with a fresh HOME and fresh Vigil directories: a first
# start, first frame, then the console left on the Dashboard for TRAIN_AOT_STAY_S (default 90 s) with
# the demo's GPUs at real-time speed, so the cache holds the JIT profiles of the console's steady
# state as well as its start-up (ADR 0622), then exit. Then `-XX:AOTCache=$APPDIR/vigil.aot` is added to the launcher's
# lib/app/Vigil.cfg, and a last run with -XX:AOTMode=on checks the JVM takes the cache there.
# The jars get one fixed modification time, written to lib/app/vigil.aot.jar-mtime, which the .deb's
# postinst restores (the cache checks each jar's size and time; the package copy changes the time).
set -euo pipefail
image="$(readlink -f "$1")"
install_dir="$2"
log="$3"

fail() {
  echo "train-aot-cache: $*" >&2
  echo "train-aot-cache: to build the installer without the start-up cache: ./mvnw -Ppackage package -Dvigil.aot.skip=true" >&2
  exit 1
}
[[ -x "$image/bin/Vigil" && -f "$image/lib/app/Vigil.cfg" ]] || fail "no app image at $image (expected bin/Vigil and lib/app/Vigil.cfg)"
command -v xvfb-run >/dev/null && command -v xauth >/dev/null \
  || fail "the installer's AOT cache is trained by running Vigil on a virtual display, and xvfb-run or xauth is missing: install them (Debian/Ubuntu: apt-get install xvfb xauth)"
command -v unshare >/dev/null || fail "'unshare' (util-linux) is missing: it puts the image at $install_dir for the training run only"

if [[ "${TRAIN_AOT_INSIDE:-}" != 1 ]]; then
  mkdir -p "$(dirname "$log")"
  : >"$log"
  if [[ $(id -u) == 0 ]]; then ns=(unshare --mount --propagation private); else ns=(unshare --user --map-root-user --mount --propagation private); fi
  start=$(date +%s)
  TRAIN_AOT_INSIDE=1 "${ns[@]}" "$0" "$@" || {
    tail -40 "$log" >&2
    fail "the training run failed (log above, full log in $log). A private mount namespace needs root or unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)."
  }
  summary="$(du -m "$image/lib/app/vigil.aot" | cut -f1) MiB cache trained in $(( $(date +%s) - start )) s"
  echo "== $summary" >>"$log"  # .ci/package-test reports this line
  echo "train-aot-cache: $summary, $install_dir/lib/app/vigil.aot; launcher option added to lib/app/Vigil.cfg"
  exit 0
fi

# Inside the private mount namespace: what is mounted here disappears with the last process.
if [[ -d "$install_dir" ]]; then
  mount --bind "$image" "$install_dir"  # an installed copy stays untouched outside this namespace
else
  parent="$(dirname "$install_dir")"
  [[ -d "$parent" ]] || fail "$parent does not exist"
  mount -t tmpfs -o size=1m tmpfs "$parent"  # an empty $parent here only, to make the mount point in
  mkdir "$install_dir"
  mount --bind "$image" "$install_dir"
fi

aot="$install_dir/lib/app/vigil.aot"
cfg="$install_dir/lib/app/Vigil.cfg"
rm -f "$aot"
# The cache records each jar's size and modification time, and the package copy changes the times: give
# the jars one known time now and write it down; the .deb's postinst puts it back after installing.
jar_mtime=$(date +%s)
touch -m -d "@$jar_mtime" "$install_dir"/lib/app/*.jar
echo "$jar_mtime" >"$aot.jar-mtime"
sed -i '/-XX:AOTCache=/d' "$cfg"  # a re-run: -XX:AOTCache and -XX:AOTCacheOutput cannot be given together
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
{
  echo "== training run: $install_dir/bin/Vigil --demo=1 --smoke-test, ${TRAIN_AOT_STAY_S:-90} s on the Dashboard, -XX:AOTCacheOutput=$aot"
  HOME="$work/home" VIGIL_CONFIG_DIR="$work/config" VIGIL_DATA_DIR="$work/data" \
    JAVA_TOOL_OPTIONS="-XX:AOTCacheOutput=$aot -Dvigil.smokeTest.stayMs=$(( ${TRAIN_AOT_STAY_S:-90} * 1000 ))" \
    timeout 600 xvfb-run -a -s "-screen 0 1920x1080x24" "$install_dir/bin/Vigil" --demo=1 --smoke-test
} >>"$log" 2>&1 || fail "the training run exited non-zero (log: $log)"
[[ -s "$aot" ]] || fail "the training run wrote no cache at $aot (log: $log)"
chmod 644 "$aot"
echo 'java-options=-XX:AOTCache=$APPDIR/vigil.aot' >>"$cfg"
{
  echo "== check: the launcher at $install_dir takes the cache (-XX:AOTMode=on fails otherwise)"
  HOME="$work/home" JAVA_TOOL_OPTIONS="-XX:AOTMode=on -Xlog:aot=info" "$install_dir/bin/Vigil" --version
} >>"$log" 2>&1 || fail "the launcher at $install_dir does not take the trained cache (log: $log)"
grep -q 'Using AOT-linked classes: true' "$log" || fail "the check run did not report 'Using AOT-linked classes: true' (log: $log)"
