#!/usr/bin/env bash
# Installs the Debian packages fogbank needs, idempotently.
# Usage: scripts/setup-system.sh [run|test]
#   run:  what `fogbank up` needs on its embedded defaults (fuse3 for `fogbank mount`)
#   test: that, plus what the test suite and benchmarks need (PostgreSQL for the second
#         metadata backend; fio, sshfs and an OpenSSH server for the EFS benchmark)
set -euo pipefail
mode="${1:-run}"

# fuse3 + libfuse3-dev + pkg-config: `fogbank mount` (pyfuse3 builds against libfuse3).
want=(python3 python3-venv python3-dev gcc ca-certificates fuse3 libfuse3-dev pkg-config)
if [ "$mode" = "test" ]; then
  want+=(postgresql curl fio sshfs openssh-server)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# An unprivileged system user: database engines (and the tests' PostgreSQL) refuse to run
# as root, so when fogbank runs as root they run as this user.
if [ "$(id -u)" -eq 0 ] && ! id -u fogbank >/dev/null 2>&1; then
  useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin fogbank
fi
