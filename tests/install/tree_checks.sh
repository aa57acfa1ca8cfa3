# Shared by check_install_tree.sh and check_deb_package.sh (sourced; POSIX sh).

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Where a program sits in the build tree.
program_build_path() {
    case $1 in
        edc) echo app/cli/edc ;;
        edc-gui) echo app/gui/edc-gui ;;
        edc-sim) echo app/sim/edc-sim ;;
        *) echo "$1" ;;
    esac
}

# check_tree PREFIX SOURCE VERSION "PROGRAMS": the installed layout under PREFIX (= .../usr).
check_tree() {
    prefix=$1 source=$2 version=$3 programs=$4
    for p in $programs; do
        [ -x "$prefix/bin/$p" ] || fail "bin/$p missing or not executable"
    done
    for p in edc edc-gui edc-sim; do
        case " $programs " in *" $p "*) ;; *) [ ! -e "$prefix/bin/$p" ] || fail "bin/$p installed but not built here" ;; esac
    done

    # edc --version runs from the installed tree and names this version and a git revision.
    out=$("$prefix/bin/edc" --version) || fail "installed edc --version exited non-zero"
    case $out in
        "edc $version (git "*")") ;;
        *) fail "edc --version printed '$out', expected 'edc $version (git <revision>)'" ;;
    esac

    n_src=$(ls "$source"/recipes/examples/*.toml | wc -l)
    n_inst=$(ls "$prefix"/share/edc/recipes/*.toml 2>/dev/null | wc -l)
    [ "$n_src" -gt 0 ] && [ "$n_src" -eq "$n_inst" ] || fail "share/edc/recipes has $n_inst recipes, source has $n_src"
    for r in "$source"/recipes/examples/*.toml; do
        cmp -s "$r" "$prefix/share/edc/recipes/$(basename "$r")" || fail "recipe $(basename "$r") differs"
    done

    cmp -s "$source/udev/99-edc.rules" "$prefix/lib/udev/rules.d/99-edc.rules" || fail "lib/udev/rules.d/99-edc.rules missing or different"
    desktop="$prefix/share/applications/edc-gui.desktop"
    icon="$prefix/share/icons/hicolor/scalable/apps/edc.svg"
    pages="man1/edc.1 man1/edc-sim.1 man5/edc-recipe.5"
    case " $programs " in
        *" edc-gui "*)
            [ -f "$desktop" ] || fail "share/applications/edc-gui.desktop missing"
            grep -qx 'Exec=edc-gui' "$desktop" || fail "desktop entry does not run edc-gui"
            grep -qx 'Icon=edc' "$desktop" || fail "desktop entry does not name the edc icon"
            grep -q '<svg' "$icon" || fail "share/icons/hicolor/scalable/apps/edc.svg missing"
            pages="$pages man1/edc-gui.1"
            ;;
        *)
            [ ! -e "$desktop" ] && [ ! -e "$icon" ] || fail "desktop entry or icon installed without edc-gui"
            [ ! -e "$prefix/share/man/man1/edc-gui.1.gz" ] || fail "edc-gui(1) installed without edc-gui"
            ;;
    esac

    for page in $pages; do
        gz="$prefix/share/man/$page.gz"
        [ -f "$gz" ] || fail "share/man/$page.gz missing"
        gzip -t "$gz" || fail "$page.gz is not valid gzip"
        # groff must read it without a warning (unknown macros, bad escapes).
        warnings=$(gzip -dc "$gz" | groff -man -Tutf8 -ww -z 2>&1) || fail "groff rejects $page"
        [ -z "$warnings" ] || fail "groff warns on $page: $warnings"
        title=$(gzip -dc "$gz" | grep -m1 '^\.TH' | cut -d' ' -f2)
        name=$(basename "$page" | sed 's/\.[0-9]$//')
        [ "$(echo "$title" | tr 'A-Z' 'a-z')" = "$name" ] || fail "$page has .TH '$title', expected $name"
    done
}
