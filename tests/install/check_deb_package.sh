#!/bin/sh
# check_deb_package.sh BUILD SOURCE SCRATCH VERSION "PROGRAMS"
# Builds the .deb with CPack, unpacks it with dpkg-deb -x, checks the tree as the DESTDIR test
# does, the control data (name, postinst) and that Depends names the package of every shared
# library the installed programs load (ldd + dpkg -S).
set -eu
checked=""
build=$1 source=$2 scratch=$3 version=$4 programs=$5
. "$source/tests/install/tree_checks.sh"

rm -rf "$scratch"
mkdir -p "$scratch"
for p in $programs; do
    [ -x "$build/$(program_build_path "$p")" ] || fail "$p is not built: run cmake --build $build first"
done
(cd "$scratch" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out") >"$scratch/cpack.log" 2>&1 || {
    cat "$scratch/cpack.log" >&2
    fail "cpack -G DEB failed"
}
arch=$(dpkg --print-architecture)
deb="$scratch/out/edc_${version}_${arch}.deb"
[ -f "$deb" ] || fail "expected $deb; cpack made: $(ls "$scratch/out")"

[ "$(dpkg-deb -f "$deb" Package)" = edc ] || fail "package name is not edc"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
[ -n "$depends" ] || fail "no Depends field"

dpkg-deb -e "$deb" "$scratch/control"
[ -x "$scratch/control/postinst" ] || fail "postinst missing or not executable"
cmp -s "$scratch/control/postinst" "$source/packaging/postinst" || fail "postinst is not packaging/postinst"

dpkg-deb -x "$deb" "$scratch/root"
outside=$(find "$scratch/root" -mindepth 1 -maxdepth 1 ! -name usr)
[ -z "$outside" ] || fail "package installs outside /usr: $outside"
check_tree "$scratch/root/usr" "$source" "$version" "$programs"

# Every shared library a program links directly (ELF NEEDED; what those pull in is their
# packages' business) must come from a package named in Depends.
for p in $programs; do
    bin="$scratch/root/usr/bin/$p"
    resolved=$(ldd "$bin")
    for soname in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        lib=$(echo "$resolved" | awk -v so="$soname" '$1 == so && $2 == "=>" { print $3 }')
        [ -n "$lib" ] || fail "$p needs $soname, which ldd cannot resolve"
        owner=""
        for candidate in "$lib" "$(readlink -f "$lib")" "/usr$lib" "${lib#/usr}"; do
            owner=$(dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1)
            [ -z "$owner" ] || break
        done
        [ -n "$owner" ] || fail "$p needs $lib, which no installed package owns"
        echo "$depends" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -qx "$owner" ||
            fail "$p needs $lib from package $owner, which Depends ($depends) does not name"
        checked="$checked $soname"
    done
done
[ -n "$checked" ] || fail "no shared library found to check (readelf missing?)"
echo "package $deb: ok (Depends: $depends)"
