#!/bin/bash
# Fetch a Debian kernel by release name and unpack it into DIR, without installing it and
# without touching the system's apt configuration.
#
#   scripts/fetch-debian-kernel.sh [--suite SUITE] [--with-gcc] KVER DIR
#   e.g. scripts/fetch-debian-kernel.sh 6.1.0-56-amd64 .kernels/6.1.0-56-amd64
#        scripts/fetch-debian-kernel.sh --suite trixie-backports --with-gcc 7.3.4+deb13-amd64 DIR
#
# Downloads (apt-get download) and unpacks (dpkg -x) into DIR:
#   the image (linux-image-KVER; 7.x splits it: linux-binary/modules/base-KVER),
#   linux-headers-KVER and the headers-common / kbuild packages it depends on (the kbuild
#   version is the newest one apt offers that satisfies the headers' dependency).
# SUITE other than the system's: a private sources list, lists and cache under DIR/.apt
# (signatures checked with /usr/share/keyrings/debian-archive-keyring.gpg; [trusted=yes]
# only when that keyring is missing). The system's apt sources are never changed.
# Fix-ups: merged-/usr (DIR/lib -> usr/lib), the headers' Makefile paths, absolute
# build/source symlinks made relative, depmod -b DIR KVER.
# --with-gcc: when the kernel was built by a gcc the host does not have (7.x: gcc-14 of
# trixie, which needs glibc 2.38; bookworm has 2.36), that gcc and the newer libc are
# unpacked into DIR/toolchain and the gcc and kbuild programs get its loader and library
# path (patchelf).
# Writes DIR/memhp-kernel.env (KVER IMAGE MODULES HEADERS CC MAKEARGS) and prints its path.
# Idempotent: packages already unpacked (DIR/.apt/unpacked/NAME.deb) are not fetched again.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

SUITE=""; WITH_GCC=0
while [ $# -gt 0 ]; do
    case "$1" in
        --suite) SUITE=$2; shift 2 ;;
        --with-gcc) WITH_GCC=1; shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -eq 2 ] || { echo "usage: $0 [--suite SUITE] [--with-gcc] KVER DIR" >&2; exit 2; }
KVER=$1
mkdir -p "$2"
DIR=$(realpath "$2")
STATE=$DIR/.apt
mkdir -p "$STATE/debs" "$STATE/unpacked"
. /etc/os-release
SYS=${VERSION_CODENAME:-}

# ------------------------------------------------------------------ apt access
APT=(-q -o APT::Sandbox::User=root)
if [ -n "$SUITE" ] && [ "$SUITE" != "$SYS" ]; then
    # private configuration: the suite itself plus its base suite (trixie for
    # trixie-backports: libc and gcc come from there)
    KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
    opt="[signed-by=$KEYRING]"; [ -f "$KEYRING" ] || opt="[trusted=yes]"
    base=${SUITE%-backports}
    {
        echo "deb $opt http://deb.debian.org/debian $base main"
        [ "$base" = "$SUITE" ] || echo "deb $opt http://deb.debian.org/debian $SUITE main"
    } > "$STATE/sources.list.new"
    mkdir -p "$STATE/lists/partial" "$STATE/cache/archives/partial" "$STATE/empty"
    # sourceparts / preferencesparts: an empty folder (the system's are not read)
    APT+=(-o "Dir::Etc::sourcelist=$STATE/sources.list" -o "Dir::Etc::sourceparts=$STATE/empty"
          -o "Dir::State::Lists=$STATE/lists" -o "Dir::Cache=$STATE/cache"
          -o "Dir::Etc::preferencesparts=$STATE/empty")
    if ! cmp -s "$STATE/sources.list.new" "$STATE/sources.list" 2>/dev/null \
        || [ -z "$(find "$STATE/updated" -mmin -1440 2>/dev/null)" ]; then
        mv "$STATE/sources.list.new" "$STATE/sources.list"
        apt-get "${APT[@]}" update >/dev/null
        touch "$STATE/updated"      # lists younger than a day are not fetched again
    fi
    rm -f "$STATE/sources.list.new"
fi
ac() { apt-cache "${APT[@]}" "$@"; }

# deps PKG: the Depends of PKG's candidate, one "NAME [OP VERSION]" a line
deps() {
    ac show "$1" 2>/dev/null | awk '/^Depends:/{sub(/^Depends: /,""); print; exit}' \
        | tr ',' '\n' | sed 's/|.*//; s/^ *//; s/ *$//; s/[()]//g; s/:any//'
}

# pick NAME [OP VER]: the newest version apt offers of NAME that satisfies OP VER
pick() {
    local name=$1 op=${2:-} want=${3:-} v
    for v in $(ac madison "$name" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' | sort -Vr | uniq); do
        if [ -z "$op" ]; then echo "$v"; return 0; fi
        local dop=$op
        case "$op" in '>=') dop=ge ;; '<=') dop=le ;; '=') dop=eq ;; '>>') dop=gt ;; '<<') dop=lt ;; esac
        if dpkg --compare-versions "$v" "$dop" "$want"; then echo "$v"; return 0; fi
    done
    echo "no version of $name satisfies $op $want in the apt sources" >&2
    return 1
}

# fetch_unpack ROOT NAME=VERSION...: download (once) and dpkg -x into ROOT
fetch_unpack() {
    local root=$1 spec name f; shift
    for spec in "$@"; do
        name=${spec%%=*}
        local tag=$STATE/unpacked/$(basename "$root").$name
        [ -e "$tag" ] && continue
        ( cd "$STATE/debs" && apt-get "${APT[@]}" download "$spec" >/dev/null )
        f=$(ls -t "$STATE/debs/${name}_"*.deb | head -1)
        dpkg -x "$f" "$root"
        touch "$tag"
    done
}

# ------------------------------------------------------------------ kernel packages
[ -n "$(ac madison "linux-image-$KVER" 2>/dev/null)" ] || {
    echo "linux-image-$KVER is not in the apt sources${SUITE:+ of $SUITE} (try --suite)" >&2; exit 1; }
PKGS=("linux-image-$KVER=$(pick "linux-image-$KVER")" "linux-headers-$KVER=$(pick "linux-headers-$KVER")")
# 7.x: the image is a metapackage of linux-binary/modules/base-KVER; the headers depend on
# linux-headers-*-common and linux-kbuild-*
while read -r name op ver; do
    case "$name" in
        linux-binary-*|linux-modules-*|linux-base-*|linux-headers-*|linux-kbuild-*)
            PKGS+=("$name=$(pick "$name" "$op" "$ver")") ;;
    esac
done < <(deps "linux-image-$KVER"; deps "linux-headers-$KVER")
fetch_unpack "$DIR" "${PKGS[@]}"

# ------------------------------------------------------------------ fix-ups
[ -e "$DIR/lib" ] || { [ -d "$DIR/usr/lib/modules" ] && ln -s usr/lib "$DIR/lib"; }
for mk in "$DIR"/usr/src/linux-headers-*/Makefile; do
    # the short Debian wrapper Makefiles name /usr/src/... by absolute path
    sed -i "s|\([ =]\)/usr/src/|\1$DIR/usr/src/|g" "$mk"
done
M=$DIR/lib/modules/$KVER
for l in build source; do
    t=$(readlink "$M/$l" 2>/dev/null) || continue
    case "$t" in /*) ln -sfn "../../..$t" "$M/$l" ;; esac
done
[ -s "$M/modules.dep" ] || depmod -b "$DIR" "$KVER"

HEADERS=$(realpath "$M/build")
CONFIG=$HEADERS/.config
IMAGE=$DIR/boot/vmlinuz-$KVER
[ -f "$IMAGE" ] || IMAGE=$M/vmlinuz      # 7.x: linux-binary-KVER ships it there
[ -f "$IMAGE" ] || { echo "no vmlinuz for $KVER after unpacking" >&2; exit 1; }

# ------------------------------------------------------------------ compiler
# CONFIG_CC_VERSION_TEXT="x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0"
ccmajor=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)/\1/p' "$CONFIG"); ccmajor=$((ccmajor / 10000))
CC=""
if command -v "gcc-$ccmajor" >/dev/null; then
    CC=gcc-$ccmajor
elif [ $WITH_GCC = 1 ]; then
    TC=$DIR/toolchain
    mkdir -p "$TC"
    T=x86_64-linux-gnu
    L=$TC/usr/lib/$T
    TPKGS=()
    for p in gcc-$ccmajor-x86-64-linux-gnu cpp-$ccmajor-x86-64-linux-gnu gcc-$ccmajor-base libgcc-$ccmajor-dev \
             libc6 libgmp10 libzstd1 libisl23 libmpc3 libmpfr6 libstdc++6 libgcc-s1 zlib1g; do
        TPKGS+=("$p=$(pick "$p")")
    done
    fetch_unpack "$TC" "${TPKGS[@]}"
    patch() { # give an ELF program the toolchain's loader and libraries (once)
        [ "$(patchelf --print-interpreter "$1" 2>/dev/null)" = "$L/ld-linux-x86-64.so.2" ] && return 0
        patchelf --set-interpreter "$L/ld-linux-x86-64.so.2" --set-rpath "$L" "$1"
    }
    for f in "$TC/usr/bin/$T-gcc-$ccmajor" "$TC/usr/libexec/gcc/$T/$ccmajor"/{cc1,collect2,lto-wrapper,lto1}; do
        [ -f "$f" ] && patch "$f"
    done
    # kbuild programs (modpost, objtool, ...) that need a newer glibc than the host's
    hostglibc=$(ldd --version | sed -n '1s/.* \([0-9]*\.[0-9]*\)$/\1/p')
    find "$DIR"/usr/lib/linux-kbuild-* -type f -perm -u+x | while read -r f; do
        need=$(objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_2\.[0-9]*' | sed 's/GLIBC_//' | sort -V | tail -1 || true)
        [ -n "$need" ] || continue
        [ "$(printf '%s\n%s\n' "$need" "$hostglibc" | sort -V | tail -1)" = "$hostglibc" ] && continue
        patch "$f"
    done
    CC=$TC/usr/bin/$T-gcc-$ccmajor
else
    echo "warning: the kernel was built with gcc-$ccmajor, which is not on PATH (use --with-gcc)" >&2
    CC=gcc
fi

# pahole older than the kernel's: build modules without BTF
MAKEARGS=""
kp=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$CONFIG")
hp=$(pahole --version 2>/dev/null | sed 's/^v//; s/\.//') || hp=0
if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$CONFIG" && [ "${hp:-0}" -lt "${kp:-0}" ]; then
    MAKEARGS=CONFIG_DEBUG_INFO_BTF_MODULES=
fi

ENV=$DIR/memhp-kernel.env
cat > "$ENV" <<ENVEOF
KVER='$KVER'
IMAGE='$IMAGE'
MODULES='$M'
HEADERS='$HEADERS'
CC='$CC'
MAKEARGS='$MAKEARGS'
ENVEOF
echo "$ENV"
