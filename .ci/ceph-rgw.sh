#!/usr/bin/env bash
# A throw-away single-node Ceph cluster with radosgw (S3 with Object Lock) on loopback, for the
# real-S3 tests (src/storage/*.ceph.test.ts). Facts behind every setting:
# shared/reference/ceph-rgw-object-lock.md.
#
#   .ci/ceph-rgw.sh up     install the packages when missing, start mon + osd + radosgw, create a user
#                          and the test buckets, write the env file (idempotent: a running cluster is kept)
#   .ci/ceph-rgw.sh env    print the env file: `export AMBER_S3_…=…` lines
#   .ci/ceph-rgw.sh down   stop exactly the PIDs `up` started (pid files), remove the state directory
#
# Settings (environment): AMBER_CEPH_DIR (state, default $TMPDIR/amber-ceph-rgw), AMBER_CEPH_RGW_PORT
# (7480), AMBER_CEPH_MON_PORT (3300; v1 is +3489, i.e. 6789), AMBER_CEPH_OSD_PORTS (6800-7300),
# AMBER_CEPH_OBJECTSTORE (memstore, fast and RAM-only; or bluestore). Everything binds to 127.0.0.1.
# Use: `.ci/ceph-rgw.sh up && source <(.ci/ceph-rgw.sh env)`; do not eval `up`'s output.
set -euo pipefail

DIR="${AMBER_CEPH_DIR:-${TMPDIR:-/tmp}/amber-ceph-rgw}"
RGW_PORT="${AMBER_CEPH_RGW_PORT:-7480}"
MON_PORT="${AMBER_CEPH_MON_PORT:-3300}"
MON_PORT_V1=$((MON_PORT + 3489))
OSD_PORTS="${AMBER_CEPH_OSD_PORTS:-6800-7300}"
OBJECTSTORE="${AMBER_CEPH_OBJECTSTORE:-memstore}"
REGION="us-east-1"
ENDPOINT="http://127.0.0.1:${RGW_PORT}"
CONF="$DIR/ceph.conf"
DAEMONS=(radosgw osd mon)
PACKAGES=(ceph-mon ceph-osd radosgw)

log() { printf 'ceph-rgw: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}
elapsed() { printf '%s' "$(($(date +%s%N) / 1000000 - START_MS))ms"; }
START_MS=$(($(date +%s%N) / 1000000))

# Waits up to $1 seconds for the command in the remaining arguments to succeed.
wait_for() {
  local timeout_s="$1" what="$2"
  shift 2
  local deadline=$(($(date +%s) + timeout_s))
  until "$@" >/dev/null 2>&1; do
    if (($(date +%s) >= deadline)); then
      log "$what did not come up within ${timeout_s}s; last log lines:"
      tail -n 20 "$DIR/log/"*.log >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.1
  done
}

# True while the process runs; a killed daemon waiting to be reaped by init (a zombie) counts as gone.
running() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

pid_alive() { [[ -f "$DIR/pid/$1" ]] && running "$(cat "$DIR/pid/$1")"; }

install_packages() {
  local missing=() packages=("${PACKAGES[@]}")
  for tool in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph curl openssl; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) && return 0
  command -v curl >/dev/null || packages+=(curl)
  command -v openssl >/dev/null || packages+=(openssl)
  log "installing ${packages[*]} (missing: ${missing[*]})"
  ((EUID == 0)) || die "installing packages needs root: apt-get install ${packages[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}

write_conf() {
  local fsid="$1"
  cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:${MON_PORT},v1:127.0.0.1:${MON_PORT_V1}]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind port min = ${OSD_PORTS%-*}
ms bind port max = ${OSD_PORTS#*-}
auth cluster required = none
auth service required = none
auth client required = none
# radosgw never passes mon auth without it (reference gotcha 1)
ms mon client mode = crc secure
run dir = $DIR/run
admin socket = $DIR/run/\$cluster-\$name.asok
log file = $DIR/log/\$cluster-\$name.log
keyring = $DIR/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
# a single mon need not wait for paxos rounds: the first radosgw start drops from ~9 s to ~1 s
paxos propose interval = 0.1
paxos min wait = 0.01
[mon]
mon data = $DIR/mon/\$cluster-\$id
[osd]
osd data = $DIR/osd/\$cluster-\$id
osd objectstore = $OBJECTSTORE
memstore device bytes = 8589934592
bluestore block size = 21474836480
[client.rgw.gw]
# without tcp_nodelay every response with a body waits ~40 ms (Nagle against delayed ACKs on keep-alive)
rgw frontends = beast endpoint=127.0.0.1:${RGW_PORT} tcp_nodelay=1
rgw data = $DIR/rgw
EOF
}

# Starts a daemon in the background with its pid in $DIR/pid/<name>.
start_daemon() {
  local name="$1"
  shift
  nohup "$@" >"$DIR/log/$name.out" 2>&1 </dev/null &
  echo $! >"$DIR/pid/$name"
}

start_cluster() {
  mkdir -p "$DIR"/{pid,log,run,tmp,mon,osd/ceph-0,rgw}
  local fsid osd_uuid
  fsid="$(cat /proc/sys/kernel/random/uuid)"
  osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
  write_conf "$fsid"
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:${MON_PORT},v1:127.0.0.1:${MON_PORT_V1}]" \
    "$DIR/tmp/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/tmp/monmap" >/dev/null
  start_daemon mon ceph-mon -c "$CONF" -i a -f
  wait_for 20 'ceph-mon' ceph -c "$CONF" --connect-timeout 2 mon stat
  log "mon up ($(elapsed))"
  # the uuid given to `osd new` and to --mkfs must match, or the OSD never comes up (gotcha 3)
  ceph -c "$CONF" osd new "$osd_uuid" >/dev/null
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >"$DIR/log/osd-mkfs.out" 2>&1
  start_daemon osd ceph-osd -c "$CONF" -i 0 -f
  wait_for 30 'ceph-osd' osd_up
  log "osd up ($(elapsed))"
  start_daemon radosgw radosgw -c "$CONF" -n client.rgw.gw -f
  wait_for 60 'radosgw' curl -fsS -o /dev/null "$ENDPOINT/"
  log "radosgw answers on $ENDPOINT ($(elapsed))"
}

osd_up() { ceph -c "$CONF" --connect-timeout 2 osd dump 2>/dev/null | grep -q '^osd\.0 up'; }

random_hex() { openssl rand -hex "$1"; }

# One signed S3 request with curl's SigV4: s3 METHOD PATH [BODY] [extra curl args…]
s3() {
  local method="$1" path="$2" body="$3"
  shift 3
  local md5 sha
  md5="$(printf '%s' "$body" | openssl dgst -md5 -binary | base64)"
  sha="$(printf '%s' "$body" | openssl dgst -sha256 -hex | awk '{print $NF}')"
  curl -fsS -o /dev/null --aws-sigv4 "aws:amz:${REGION}:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    -X "$method" -H "x-amz-content-sha256: $sha" -H "Content-MD5: $md5" --data-binary "$body" \
    "$@" "$ENDPOINT$path"
}

create_user_and_buckets() {
  ACCESS_KEY="AMBER$(random_hex 8 | tr 'a-f' 'A-F')"
  SECRET_KEY="$(random_hex 20)"
  radosgw-admin -c "$CONF" user create --uid=amber-test --display-name='Amber tests' \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
  local suffix bucket_lock bucket_plain bucket_default
  suffix="$(random_hex 4)"
  bucket_lock="amber-lock-$suffix"
  bucket_plain="amber-nolock-$suffix"
  bucket_default="amber-defret-$suffix"
  s3 PUT "/$bucket_lock" '' -H 'x-amz-bucket-object-lock-enabled: true'
  s3 PUT "/$bucket_plain" ''
  s3 PUT "/$bucket_default" '' -H 'x-amz-bucket-object-lock-enabled: true'
  local rule='<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
  rule+='<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode>'
  rule+='<Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>'
  # `object-lock=`: curl 7.88 signs a bare `?object-lock` wrongly (SignatureDoesNotMatch)
  s3 PUT "/$bucket_default?object-lock=" "$rule"
  umask 077
  cat >"$DIR/env.tmp" <<EOF
export AMBER_S3_ENDPOINT=$ENDPOINT
export AMBER_S3_REGION=$REGION
export AMBER_S3_ACCESS_KEY_ID=$ACCESS_KEY
export AMBER_S3_SECRET_ACCESS_KEY=$SECRET_KEY
export AMBER_S3_BUCKET=$bucket_lock
export AMBER_S3_BUCKET_NO_LOCK=$bucket_plain
export AMBER_S3_BUCKET_DEFAULT_RETENTION=$bucket_default
export AMBER_CEPH_CONF=$CONF
EOF
  mv "$DIR/env.tmp" "$DIR/env"
}

cluster_running() {
  [[ -f "$DIR/env" ]] || return 1
  for daemon in "${DAEMONS[@]}"; do pid_alive "$daemon" || return 1; done
  curl -fsS -o /dev/null "$ENDPOINT/"
}

cmd_up() {
  if cluster_running; then
    log "already up on $ENDPOINT (state in $DIR)"
    return 0
  fi
  [[ -e "$DIR" ]] && cmd_down
  install_packages
  log "starting a $OBJECTSTORE cluster in $DIR"
  # set -e does not act inside a function called as a condition, so a failure is caught on exit
  trap 'if [[ "${UP_OK:-}" != 1 ]]; then log "start failed; stopping what was started"; cmd_down; fi' EXIT
  start_cluster
  create_user_and_buckets
  UP_OK=1
  log "up in $(elapsed); env: $DIR/env"
}

# True when the pid is a daemon of this cluster (its command line names our ceph.conf), so that a stale
# pid file never makes us signal a process that merely reused the number.
ours() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$CONF"; }

# Stops the daemons by their recorded pids. SIGKILL at once: the state directory is thrown away, so a
# clean shutdown buys nothing and costs ~6 s (each daemon says goodbye to the mon; SIGTERM sent to all
# at once even stalls the OSD for 15 s once its mon is gone). Then waits (up to 5 s) until init has
# reaped them, so that no ceph process, not even a zombie, is left.
stop_daemons() {
  local name pid pids=()
  for name in "${DAEMONS[@]}"; do
    [[ -f "$DIR/pid/$name" ]] || continue
    pid="$(cat "$DIR/pid/$name")"
    if running "$pid" && ours "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$DIR/pid/$name"
  done
  local deadline=$(($(date +%s) + 10))
  for pid in "${pids[@]}"; do
    while running "$pid"; do
      (($(date +%s) < deadline)) || die "pid $pid survived SIGKILL"
      sleep 0.02
    done
  done
  deadline=$(($(date +%s) + 5))
  for pid in "${pids[@]}"; do
    while [[ -e "/proc/$pid" ]] && (($(date +%s) < deadline)); do sleep 0.05; done
  done
}

cmd_down() {
  if [[ ! -e "$DIR" ]]; then
    log "nothing to stop ($DIR does not exist)"
    return 0
  fi
  stop_daemons
  rm -rf "$DIR"
  log "down in $(elapsed)"
}

cmd_env() {
  [[ -f "$DIR/env" ]] || die "no cluster is up (no $DIR/env); run: $0 up"
  cat "$DIR/env"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 up|down|env" >&2
    exit 2
    ;;
esac
