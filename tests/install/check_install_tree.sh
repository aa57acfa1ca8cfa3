#!/bin/sh
# check_install_tree.sh BUILD SOURCE SCRATCH VERSION "PROGRAMS"
# `cmake --install` into SCRATCH (DESTDIR, prefix /usr), then checks every file the package
# promises and runs the installed `edc --version`.
set -eu
build=$1 source=$2 scratch=$3 version=$4 programs=$5
. "$source/tests/install/tree_checks.sh"

rm -rf "$scratch"
mkdir -p "$scratch"
for p in $programs; do
    [ -x "$build/$(program_build_path "$p")" ] || fail "$p is not built: run cmake --build $build first"
done
DESTDIR="$scratch" cmake --install "$build" --prefix /usr >"$scratch.log" 2>&1 || {
    cat "$scratch.log" >&2
    fail "cmake --install failed"
}
outside=$(find "$scratch" -mindepth 1 -maxdepth 1 ! -name usr)
[ -z "$outside" ] || fail "installed outside /usr: $outside"

check_tree "$scratch/usr" "$source" "$version" "$programs"
echo "install tree under $scratch/usr: ok"
