#!/usr/bin/env bash
# Installs the Debian packages fogbank needs, idempotently.
# Usage: scripts/setup-system.sh [run|test]
#   run:  what `fogbank up` needs on its embedded defaults, including the database servers
#         that answer for RDS (MariaDB for mysql/mariadb, PostgreSQL for postgres) and
#         fuse3 for `fogbank mount`, nftables for RDS kernel routes (docs/rds.md)
#   test: that, plus what the test suite and benchmarks need (curl, sysbench, s3fs; nginx for the
#         S3 benchmark; fio, sshfs and an OpenSSH server for the EFS benchmark)
set -euo pipefail
mode="${1:-run}"

want=(python3 python3-venv python3-dev gcc ca-certificates
      postgresql mariadb-server mariadb-client acl fuse3 nftables)
if [ "$mode" = "test" ]; then
  want+=(curl sysbench s3fs nginx-light fio sshfs openssh-server)
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

# fogbank runs its own MariaDB/PostgreSQL servers as child processes (one per RDS
# instance), and the benchmarks their own nginx and sshd on loopback ports; the
# distribution's own service instances are not needed. Stop and disable each once, right
# after this script installed its package, so they hold no ports or memory.
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" -eq 0 ]; then
  services=()
  for p in "${missing[@]}"; do
    case "$p" in
      mariadb-server) services+=(mariadb) ;;
      postgresql) services+=(postgresql) ;;
      nginx-light) services+=(nginx) ;;
      openssh-server) services+=(ssh) ;;
    esac
  done
  for svc in "${services[@]}"; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
      systemctl disable --now "$svc" >/dev/null 2>&1 || true
    elif command -v service >/dev/null 2>&1; then
      service "$svc" stop >/dev/null 2>&1 || true
    fi
  done
fi
