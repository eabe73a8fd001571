# Shared by the scripts in this folder (sourced, not run): finds the repository, installs what is missing on a
# Debian/Ubuntu machine (JDK 17+, Maven), and builds the node when its sources are newer than the build.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/cluster/target/robogrid.jar"
CLASSPATH_NODE="$JAR:$ROOT/cluster/target/lib/*"
# Hazelcast reads JDK internals for speed; without these it warns and runs slower. The goal tasks' embedding model
# uses DJL's tokenizer, which calls home (169.254.169.254) unless opted out: the node also sets these itself.
JAVA_NODE_OPTS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
 --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
 --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED -DOPT_OUT_TRACKING=true -Dai.djl.offline=true"

say() { printf '%s\n' "robogrid: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else say "need root (or sudo) to run: $*"; return 1; fi
}

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null || { say "missing $*, and this is not a Debian/Ubuntu machine: install them by hand"; return 1; }
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq && APT_UPDATED=1; fi
  say "installing $* ..."
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Whether the dynamic linker knows a shared library. Not 'grep -q': under pipefail, ldconfig killed by SIGPIPE when grep
# stops early would make a library that is there look missing. No ldconfig (not Debian): assume it is there.
has_lib() {
  command -v ldconfig >/dev/null || return 0
  ldconfig -p | grep -F "$1" >/dev/null
}

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

# A container image (or a machine given a built node) sets ROBOGRID_PREBUILT=1: it needs a Java runtime, nothing else.
prebuilt() {
  case "${ROBOGRID_PREBUILT:-0}" in 0|"") return 1 ;; esac
  [ -f "$JAR" ] || { say "ROBOGRID_PREBUILT is set but $JAR is missing"; exit 1; }
}

ensure_toolchain() {
  if prebuilt; then
    command -v java >/dev/null || { say "ROBOGRID_PREBUILT is set but there is no java on the PATH"; return 1; }
    return 0
  fi
  if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ] 2>/dev/null || ! command -v javac >/dev/null; then
    apt_install openjdk-17-jdk-headless
  fi
  command -v mvn >/dev/null || apt_install maven
  # zonky's PostgreSQL binaries need these shared libraries; slim images lack them
  has_lib libxml2.so || apt_install libxml2 || true
  command -v curl >/dev/null || apt_install curl
  # scripts/sample-agent (an agent in bash) reads and writes JSON with jq
  command -v jq >/dev/null || apt_install jq
  # browser slots drive Debian's Chromium through Playwright (Playwright's own browser download needs the internet)
  [ -x /usr/bin/chromium ] || apt_install chromium
  command -v pgrep >/dev/null || apt_install procps
  # desktop robots drive X displays through libX11 and the XTEST extension's client library
  has_lib libXtst.so.6 || apt_install libxtst6 || true
}

# The tests and the desktop benchmark drive real X programs on their own Xvfb servers: an X server, xterm, the X
# utilities, and libXss (the tests read the server's idle time to check keep-alive nudges).
ensure_desktop_tools() {
  command -v Xvfb >/dev/null && command -v xterm >/dev/null && command -v xdpyinfo >/dev/null \
    && has_lib libXss.so.1 \
    || apt_install xvfb xterm x11-apps x11-utils libxss1
  # the Swing application of the tests needs the JDK's X11 toolkit, which a headless-only JDK lacks
  local jhome; jhome="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  [ -f "$jhome/lib/libawt_xawt.so" ] || apt_install "openjdk-$(java_major)-jre" || true
}

# Builds (without tests) when the jar is missing or any source or build file is newer than it.
ensure_built() {
  prebuilt && return 0
  # main code and build files only (a changed test needs no new node), and the jar is touched after a build: Maven
  # leaves a jar whose classes did not change as it was, which would otherwise send every start into a build
  if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/pom.xml" "$ROOT/verticles" "$ROOT/cluster" -newer "$JAR" -type f -not -path '*/target/*' \
      \( -name pom.xml -o -path '*/src/main/*' \) -print -quit)" ]; then
    say "building ..."
    (cd "$ROOT" && mvn -q -B -DskipTests install) || { say "build failed"; return 1; }
    touch "$JAR"
  fi
}
