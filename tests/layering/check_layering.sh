#!/usr/bin/env bash
# Dependencies point one way: control/ includes the standard library only (loop/ may add POSIX
# time and scheduling); drivers/ and recipes/ do not include app/ or each other.
set -u
root=${1:?repo root}
status=0
bad=$(grep -rEn '#include\s*[<"](Q[A-Za-z]+|boost/|sqlite3|spdlog/|fmt/|toml|nlohmann/|libserialport|drivers/|recipes/|app/)' \
      "$root/control" || true)
if [[ -n $bad ]]; then echo "control/ must depend on the standard library only:"; echo "$bad"; status=1; fi
bad=$(grep -rEn '#include\s*[<"](app/|recipes/|Q[A-Za-z]+)' "$root/drivers" 2>/dev/null || true)
if [[ -n $bad ]]; then echo "drivers/ must not include app/, recipes/ or Qt:"; echo "$bad"; status=1; fi
bad=$(grep -rEn '#include\s*[<"](app/|drivers/|Q[A-Za-z]+|boost/)' "$root/recipes" 2>/dev/null || true)
if [[ -n $bad ]]; then echo "recipes/ must not include app/, drivers/, Qt or Asio:"; echo "$bad"; status=1; fi
[[ $status -eq 0 ]] && echo "layering ok"
exit $status
