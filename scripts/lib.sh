# Shared shell functions for ./virt, ./fdt, ./test and .ci/run.
# Sourced, never executed. Every function prints one clear line and returns
# non-zero on failure; callers decide whether to exit.

# The launchers' start is timed (./virt --bench): the paths a start takes when nothing needs
# building or fetching use bash's own expansions and builtins instead of spawning processes
# (each spawn costs 1-2 ms on a quiet machine and tens of ms on a loaded one).
case ${BASH_SOURCE[0]} in
  */*) VIRTFW_ROOT=${BASH_SOURCE[0]%/*}/.. ;;
  *) VIRTFW_ROOT=.. ;;
esac
VIRTFW_ROOT=$(cd "$VIRTFW_ROOT" && pwd)
VIRTFW_CACHE=${VIRTFW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virtfw}

die() { echo "error: $*" >&2; exit 1; }

# java_major JAVA_BIN -> prints the feature version (17, 25, ...)
java_major() {
  # A JDK's release file names its version: reading it costs nothing, starting a JVM costs ~100 ms.
  local bin=${1%/*}; local release="${bin%/*}/release" line v
  if [ -f "$release" ]; then
    while IFS= read -r line; do
      case $line in
        JAVA_VERSION=\"[0-9]*)
          v=${line#JAVA_VERSION=\"}; v=${v%%[!0-9]*}
          echo "$v"; return 0 ;;
      esac
    done < "$release"
  fi
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

# find_jdk: sets JAVA_HOME to a JDK >= 25: $JAVA_HOME if new enough, else the
# newest under /usr/lib/jvm.
find_jdk() {
  local want=25 best="" best_v=0 d v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(java_major "$JAVA_HOME/bin/java")
    if [ "${v:-0}" -ge "$want" ]; then export JAVA_HOME; return 0; fi
  fi
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    [ -L "$d" ] && continue
    v=$(java_major "$d/bin/java")
    if [ "${v:-0}" -gt "$best_v" ]; then best_v=$v; best=$d; fi
  done
  if [ "$best_v" -ge "$want" ]; then export JAVA_HOME=$best; return 0; fi
  echo "error: no JDK $want or newer found (JAVA_HOME unset or too old, nothing suitable under /usr/lib/jvm); install one, e.g. a Temurin 25 JDK, or point JAVA_HOME at it" >&2
  return 1
}

# ensure_packages PKG...: installs the Debian packages that are missing.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing Debian packages; run: sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "installing Debian packages: ${missing[*]}" >&2
  # The log's folder may not exist yet (a fresh machine has no ~/.cache).
  mkdir -p "$(dirname "$VIRTFW_CACHE")" || return 1
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$VIRTFW_CACHE.apt.log" 2>&1; then
    apt-get update -q >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$VIRTFW_CACHE.apt.log" 2>&1 ||
      { echo "error: apt-get install ${missing[*]} failed; see $VIRTFW_CACHE.apt.log" >&2; return 1; }
  fi
}

# debian_mirror: the URI of the Debian archive configured on this machine.
debian_mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' |
        grep -v -- '-security' | grep -i debian | head -n1)
  if [ -z "$uri" ]; then
    uri=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
          sed 's/\[[^]]*\]//' | awk '{print $2}' | grep -v -- '-security' | grep -i debian | head -n1)
  fi
  [ -n "$uri" ] || { echo "error: no Debian mirror found in the apt sources" >&2; return 1; }
  echo "$uri"
}

# The libunicorn2t64 version virtfw is tested with (Debian unstable's on 2026-06). Fetched by this
# exact version, so a cache holding several .debs or a newer upload to unstable changes nothing;
# VIRTFW_UNICORN_VERSION overrides it (./virt --version prints the one in use).
VIRTFW_UNICORN_VERSION=${VIRTFW_UNICORN_VERSION:-2.1.4-4}

# with_lock FILE COMMAND...: runs COMMAND holding an exclusive flock on FILE, so that two
# launchers started at once (two machines side by side) take turns at a build or a download.
with_lock() {
  local file=$1; shift
  mkdir -p "$(dirname "$file")" || return 1
  (
    flock -x 9 || { echo "error: could not lock $file" >&2; exit 1; }
    "$@"
  ) 9>"$file"
}

# unicorn_lib: prints the path of libunicorn.so.2 from libunicorn2t64 $VIRTFW_UNICORN_VERSION,
# fetching that .deb from Debian unstable into the cache on first use (under a lock: the private
# apt state below runs without apt's own locking). Nothing is installed system-wide.
unicorn_lib() {
  local dir="$VIRTFW_CACHE/unicorn" lib ver
  # The fast path: the note written beside the unpacked tree (inside it, so a new unpack, which
  # swaps the whole tree, takes the note away) names its version and the library.
  if { IFS= read -r ver && IFS= read -r lib; } 2>/dev/null < "$dir/root/.virtfw-unicorn" &&
     [ "$ver" = "$VIRTFW_UNICORN_VERSION" ] && [ -f "$lib" ]; then
    echo "$lib"; return 0
  fi
  if [ "$(unpacked_unicorn_version "$dir")" = "$VIRTFW_UNICORN_VERSION" ]; then
    lib=$(find "$dir/root" -name 'libunicorn.so.2' 2>/dev/null | head -n1)
    if [ -n "$lib" ]; then
      printf '%s\n%s\n' "$VIRTFW_UNICORN_VERSION" "$lib" 2>/dev/null > "$dir/root/.virtfw-unicorn"
      echo "$lib"; return 0
    fi
  fi
  with_lock "$dir.lock" unicorn_fetch "$dir"
}

# unicorn_fetch DIR: unicorn_lib's download and unpacking, run under its lock.
unicorn_fetch() {
  local dir=$1 ver=$VIRTFW_UNICORN_VERSION lib
  local deb="$dir/libunicorn2t64_${ver}_amd64.deb"
  if [ "$(unpacked_unicorn_version "$dir")" = "$ver" ]; then
    # another launcher fetched it while this one waited for the lock
    lib=$(find "$dir/root" -name 'libunicorn.so.2' 2>/dev/null | head -n1)
    if [ -n "$lib" ]; then echo "$lib"; return 0; fi
  fi
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" || return 1
  if [ ! -f "$deb" ]; then
    local mirror; mirror=$(debian_mirror) || return 1
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    echo "deb [signed-by=$keyring] $mirror sid main" > "$dir/sources.list"
    local opts=(-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
                -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
                -o APT::Architectures::=amd64 -o Debug::NoLocking=1)
    echo "fetching Unicorn $ver (Debian unstable's libunicorn2t64) into $dir" >&2
    apt-get "${opts[@]}" -q update >"$dir/apt.log" 2>&1 ||
      { echo "error: apt-get update for the unstable suite failed; see $dir/apt.log" >&2; return 1; }
    (cd "$dir" && apt-get "${opts[@]}" -q download "libunicorn2t64=$ver" >>"$dir/apt.log" 2>&1) ||
      { echo "error: apt-get download libunicorn2t64=$ver failed (no longer in unstable? set VIRTFW_UNICORN_VERSION); see $dir/apt.log" >&2; return 1; }
  fi
  # Unpacked beside the old tree and swapped in, so a JVM starting meanwhile finds one or the other.
  rm -rf "$dir/root.new" "$dir/root.old"
  mkdir -p "$dir/root.new"
  dpkg-deb -x "$deb" "$dir/root.new" ||
    { echo "error: could not unpack $deb" >&2; return 1; }
  [ -d "$dir/root" ] && mv "$dir/root" "$dir/root.old"
  mv "$dir/root.new" "$dir/root" && rm -rf "$dir/root.old"
  lib=$(find "$dir/root" -name 'libunicorn.so.2' | head -n1)
  [ -n "$lib" ] || { echo "error: libunicorn.so.2 not found in $deb" >&2; return 1; }
  echo "$lib"
}

# unpacked_unicorn_version DIR: the Debian version of the libunicorn2t64 unpacked in DIR/root, read
# from the first line of the package's own changelog, e.g. "unicorn-engine (2.1.4-4) unstable; ...".
unpacked_unicorn_version() {
  zcat "$1/root/usr/share/doc/libunicorn2t64/changelog.Debian.gz" 2>/dev/null | head -n1 |
    sed -n 's/^[^ ]* (\([^)]*\)).*/\1/p'
}

# mvn_run ARGS...: Maven with the JDK found above, quiet and in batch mode.
mvn_run() {
  (cd "$VIRTFW_ROOT" && mvn -B -q "$@")
}

# apt_private DIR SUITE ARCH: prints apt-get options for a private apt state in
# DIR that reads only SUITE of the configured Debian mirror for ARCH.
apt_private() {
  local dir=$1 suite=$2 arch=$3 mirror
  mirror=$(debian_mirror) || return 1
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" || return 1
  echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" > "$dir/sources.list"
  printf '%s\n' -o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" \
    -o "APT::Architectures::=$arch" -o "APT::Architecture=$arch" -o Debug::NoLocking=1
}

# arm64_kernel_dtbs: prints a folder holding the DTBs shipped with Debian's
# arm64 kernel package (downloaded as a foreign-architecture package and
# unpacked into the cache, not installed).
arm64_kernel_dtbs() {
  with_lock "$VIRTFW_CACHE/arm64-kernel.lock" arm64_kernel_dtbs_locked
}

arm64_kernel_dtbs_locked() {
  local dir="$VIRTFW_CACHE/arm64-kernel" found
  found=$(find "$dir/root" -type d -name dtbs 2>/dev/null | head -n1)
  if [ -z "$found" ]; then
    found=$(find "$dir/root" -path '*/usr/lib/linux-image-*' -maxdepth 4 -type d 2>/dev/null | head -n1)
  fi
  if [ -n "$found" ]; then echo "$found"; return 0; fi
  local suite; suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  local opts; mapfile -t opts < <(apt_private "$dir" "$suite" arm64) || return 1
  echo "fetching Debian's arm64 kernel package (for its DTBs) into $dir" >&2
  apt-get "${opts[@]}" -q update >"$dir/apt.log" 2>&1 ||
    { echo "error: apt-get update for arm64 failed; see $dir/apt.log" >&2; return 1; }
  local pkg
  pkg=$(apt-cache "${opts[@]}" depends linux-image-arm64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)/\1/p' | head -n1)
  [ -n "$pkg" ] || { echo "error: could not resolve linux-image-arm64 for arm64" >&2; return 1; }
  (cd "$dir" && apt-get "${opts[@]}" -q download "$pkg:arm64" >>"$dir/apt.log" 2>&1) ||
    { echo "error: apt-get download $pkg failed; see $dir/apt.log" >&2; return 1; }
  mkdir -p "$dir/root"
  dpkg-deb -x "$(ls "$dir"/linux-image-*.deb | head -n1)" "$dir/root" ||
    { echo "error: could not unpack $pkg" >&2; return 1; }
  found=$(find "$dir/root" -path '*/usr/lib/linux-image-*' -maxdepth 4 -type d | head -n1)
  [ -n "$found" ] || { echo "error: no DTB folder in $pkg" >&2; return 1; }
  echo "$found"
}

# arm64_kernel_root: prints the root of the unpacked arm64 kernel package
# (fetched by arm64_kernel_dtbs into the cache).
arm64_kernel_root() {
  arm64_kernel_dtbs >/dev/null || return 1
  echo "$VIRTFW_CACHE/arm64-kernel/root"
}

# arm64_linux_image: prints the path of that package's kernel, boot/vmlinuz-*,
# which Debian ships as a plain (uncompressed) arm64 Image: checks the
# "ARM\x64" magic at byte 56 of its header.
arm64_linux_image() {
  local root image; root=$(arm64_kernel_root) || return 1
  image=$(ls "$root"/boot/vmlinuz-* 2>/dev/null | head -n1)
  [ -n "$image" ] || { echo "error: no boot/vmlinuz-* in the arm64 kernel package" >&2; return 1; }
  [ "$(dd if="$image" bs=1 skip=56 count=4 status=none)" = "ARMd" ] ||
    { echo "error: $image is not an arm64 Image (no ARM\\x64 magic at byte 56)" >&2; return 1; }
  echo "$image"
}

# arm64_linux_modules: prints the package's lib/modules/<version> folder. The
# tests load kernel/drivers/firmware/qemu_fw_cfg.ko from it with busybox's
# insmod, which takes only a plain .ko: a compressed module (.ko.xz, .ko.zst,
# .ko.gz, as later Debian kernels ship them) is decompressed beside itself.
arm64_linux_modules() {
  local root dir ko; root=$(arm64_kernel_root) || return 1
  dir=$(ls -d "$root"/lib/modules/*/ 2>/dev/null | head -n1)
  dir=${dir%/}
  [ -n "$dir" ] || { echo "error: no lib/modules/<version> in the arm64 kernel package" >&2; return 1; }
  ko="$dir/kernel/drivers/firmware/qemu_fw_cfg.ko"
  if [ ! -f "$ko" ]; then
    if [ -f "$ko.xz" ]; then xz -dc "$ko.xz" > "$ko.tmp"
    elif [ -f "$ko.zst" ]; then zstd -qdc "$ko.zst" > "$ko.tmp"
    elif [ -f "$ko.gz" ]; then gzip -dc "$ko.gz" > "$ko.tmp"
    else echo "error: no qemu_fw_cfg.ko[.xz|.zst|.gz] under $dir/kernel/drivers/firmware" >&2; return 1
    fi || { rm -f "$ko.tmp"; echo "error: could not decompress $ko.*" >&2; return 1; }
    mv "$ko.tmp" "$ko"
  fi
  echo "$dir"
}

# arm64_busybox: prints the path of the statically linked arm64 busybox of
# Debian's busybox-static package (same suite and private apt state as the
# kernel package; downloaded and unpacked into the cache, not installed).
arm64_busybox() {
  local dir="$VIRTFW_CACHE/arm64-busybox" apt="$VIRTFW_CACHE/arm64-kernel" bin
  bin="$dir/root/bin/busybox"
  if [ -x "$bin" ]; then echo "$bin"; return 0; fi
  arm64_kernel_dtbs >/dev/null || return 1
  local suite; suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  local opts; mapfile -t opts < <(apt_private "$apt" "$suite" arm64) || return 1
  mkdir -p "$dir" || return 1
  echo "fetching Debian's arm64 busybox-static into $dir" >&2
  rm -f "$dir"/busybox-static_*.deb
  if ! (cd "$dir" && apt-get "${opts[@]}" -q download busybox-static:arm64 >"$dir/apt.log" 2>&1); then
    # The package lists may be gone or stale: read them again once.
    apt-get "${opts[@]}" -q update >>"$dir/apt.log" 2>&1 &&
      (cd "$dir" && apt-get "${opts[@]}" -q download busybox-static:arm64 >>"$dir/apt.log" 2>&1) ||
      { echo "error: apt-get download busybox-static:arm64 failed; see $dir/apt.log" >&2; return 1; }
  fi
  dpkg-deb -x "$(ls "$dir"/busybox-static_*.deb | head -n1)" "$dir/root" ||
    { echo "error: could not unpack busybox-static" >&2; return 1; }
  [ -x "$bin" ] || { echo "error: no bin/busybox in busybox-static" >&2; return 1; }
  echo "$bin"
}

# Debian packages the tests and the board need.
VIRTFW_PACKAGES=(device-tree-compiler qemu-system-arm u-boot-qemu qemu-efi-aarch64 gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu make cpp)

# sources_state: one line per build input of the work tree (Java sources, POMs, main resources)
# with its modification time, sorted, then hashed: any file added, changed or deleted changes it.
sources_state() {
  local sum rest
  read -r sum rest < <(cd "$VIRTFW_ROOT" && find . -name target -prune -o -name .git -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -type f -printf '%p %T@\n' |
    LC_ALL=C sort | md5sum)
  echo "$sum"
}

# build_is_current MODULE [STATE]: true when MODULE's build records the current sources_state (or
# STATE) and its class path file exists. Read without the build lock: a launcher builds only when
# the stamp differs from the sources, and writes the stamp after the build, so a matching stamp is
# never one a build is still working under.
build_is_current() {
  local target="$VIRTFW_ROOT/$1/target" state=${2:-$(sources_state)} stamp=""
  [ -f "$target/runtime.classpath" ] && read -r stamp 2>/dev/null < "$target/.launcher-stamp"
  [ "$stamp" = "$state" ]
}

# build_if_stale MODULE: builds MODULE and what it needs unless the stamp beside its build records
# the current sources_state; writes the module's runtime class path to target/runtime.classpath.
# Run under the work tree's build lock.
build_if_stale() {
  local module=$1
  local target="$VIRTFW_ROOT/$module/target"
  local cp_file="$target/runtime.classpath" stamp="$target/.launcher-stamp" state
  state=$(sources_state)
  if build_is_current "$module" "$state"; then
    return 0
  fi
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  echo "building $module ..." >&2
  mkdir -p "$VIRTFW_CACHE"
  local log="$VIRTFW_CACHE/build-${module//\//-}.log"
  # One reactor build: the class path names this work tree's own jars (target/*.jar) for the
  # project's modules, never the snapshots in the local Maven repository, which every checkout on
  # the machine shares (another checkout's build would otherwise change what this one runs).
  # Every module of the reactor writes the file; the one asked for is built last.
  mvn_run -Dstyle.color=never -pl "$module" -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >"$log" 2>&1 ||
    { echo "error: the build of $module failed; see $log" >&2; return 1; }
  rm -f "$target"/launcher*.jsa
  echo "$state" > "$stamp"
}

# launch_java MODULE MAINCLASS ARGS...: builds MODULE (a folder under the root, e.g.
# machine-virt/virt-cli, whose last part is its artifactId) and what it needs when a build input
# was added, changed or deleted since the last build, then runs MAINCLASS on the JDK found above
# with a class-data-sharing archive kept beside the build, so a second start is fast. Never
# returns. The build runs under a lock per work tree, so launchers started together build once
# and never run a half-written build. A dynamic archive holds the classes of the run that wrote
# it and is not rewritten when a later run needs others, so a launcher whose commands load
# different classes names one archive per kind of command in VIRTFW_CDS_KEY (./virt: run, demo,
# compare, bench, info).
launch_java() {
  local module=$1 main=$2; shift 2
  find_jdk || exit 1
  local target="$VIRTFW_ROOT/$module/target"
  local cp_file="$target/runtime.classpath"
  if ! build_is_current "$module"; then
    local lock="$VIRTFW_CACHE/locks/build-$(printf '%s' "$VIRTFW_ROOT" | md5sum | cut -c1-16).lock"
    with_lock "$lock" build_if_stale "$module" || exit 1
  fi
  local jar="" candidate
  for candidate in "$target/${module##*/}"-*.jar; do
    case $candidate in *-tests.jar) ;; *) [ -f "$candidate" ] && { jar=$candidate; break; } ;; esac
  done
  local classpath; IFS= read -r classpath < "$cp_file"
  # The archive is an optimisation only: its log lines (e.g. the JDK's base
  # archive disabling module optimisations under --enable-native-access) are
  # noise on a command's standard error.
  local archive="$target/launcher${VIRTFW_CDS_KEY:+-$VIRTFW_CDS_KEY}.jsa"
  # The JVM refuses an archive when a jar on the class path changed since (another launcher's build
  # reinstalls the jars this module depends on) and does not write it again: remove it, so this run
  # writes a fresh one. Entries are split on ':' only (a folder name may hold spaces).
  local entries=() entry
  IFS=: read -r -a entries <<< "$classpath"
  if [ -f "$archive" ]; then
    for entry in "$jar" "${entries[@]}"; do
      if [ "$entry" -nt "$archive" ]; then rm -f "$archive"; break; fi
    done
  fi
  exec "$JAVA_HOME/bin/java" -Xlog:cds*=off -Xlog:aot*=off \
    -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$archive" -Xshare:auto \
    ${VIRTFW_JAVA_OPTS:-} -cp "$jar:$classpath" "$main" "$@"
}

# linux_dts_sources: prints a folder holding the device-tree sources of Debian's
# linux-source-6.1 package: arch/arm64/boot/dts, arch/arm/boot/dts,
# include/dt-bindings (with the one uapi header it links to) and
# scripts/dtc/include-prefixes, as in the kernel tree.
# The package is fetched with apt-get download into the cache and only those
# folders are unpacked (nothing is installed system-wide).
linux_dts_sources() {
  local dir="$VIRTFW_CACHE/linux-source" root="$VIRTFW_CACHE/linux-source/tree"
  if [ -f "$root/.complete" ]; then echo "$root"; return 0; fi
  mkdir -p "$dir" || return 1
  local deb; deb=$(ls "$dir"/linux-source-6.1_*.deb 2>/dev/null | head -n1)
  if [ -z "$deb" ]; then
    echo "fetching Debian's linux-source-6.1 (for its device-tree sources) into $dir" >&2
    (cd "$dir" && apt-get -q download linux-source-6.1 >"$dir/apt.log" 2>&1) ||
      { apt-get update -q >/dev/null 2>&1
        (cd "$dir" && apt-get -q download linux-source-6.1 >>"$dir/apt.log" 2>&1); } ||
      { echo "error: apt-get download linux-source-6.1 failed; see $dir/apt.log" >&2; return 1; }
    deb=$(ls "$dir"/linux-source-6.1_*.deb | head -n1)
  fi
  rm -rf "$root" "$dir/unpack" && mkdir -p "$root" "$dir/unpack" || return 1
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/unpack" --wildcards '*/linux-source-6.1.tar.xz' ||
    { echo "error: no kernel tarball in $deb" >&2; return 1; }
  local tarball; tarball=$(find "$dir/unpack" -name 'linux-source-6.1.tar.xz' | head -n1)
  tar -xJf "$tarball" -C "$root" --strip-components=1 --wildcards \
      'linux-source-6.1/arch/arm64/boot/dts' 'linux-source-6.1/arch/arm/boot/dts' \
      'linux-source-6.1/include/dt-bindings' 'linux-source-6.1/include/uapi/linux/input-event-codes.h' \
      'linux-source-6.1/scripts/dtc/include-prefixes' ||
    { echo "error: could not unpack the device-tree sources of $tarball" >&2; return 1; }
  rm -rf "$dir/unpack"
  touch "$root/.complete"
  echo "$root"
}
