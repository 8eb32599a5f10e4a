# shellcheck shell=bash
# Fixtures for the container tests (test/containers/), on top of test/e2e/lib.sh.
#
# A "host" is a private mount and network namespace (ct_host NAME), held open by a sleeping
# process: its own /run/wlcr (a tmpfs), so that tests running at the same time do not share the
# fixed path of the proxy for containers; this build's plugin bind-mounted on /usr/lib/criu,
# where the runtimes' criu finds it without any option (nothing is installed on the machine);
# and its own network namespace, where podman's and dockerd's bridges and iptables rules stay.
# Every command of a host runs through ct_in NAME CMD...: the proxy (wlcr proxy --container),
# the runtimes and their criu. The compositors run outside, on the test's runtime dir.
#
#   ct_host NAME                    create the host; ct_in NAME CMD... runs CMD in it
#   ct_proxy NAME [ARGS...]         wlcr proxy --container on the current compositor
#   ct_proxy_log NAME               the proxy's log, appended to $WT_DIR/proxy.log
#   ct_use COMPOSITOR               make weston or sway (started before) the current one
#   ct_runc_bundle DIR APP...       a runc bundle running APP through the proxy
#   ct_runc HOST run|restore ID DIR [ARGS...]   runc with stdio on pipes
#   ct_dockerd HOST                 a dockerd of our own in HOST; sets DOCKER_HOST
#   ct_check_criu LOG               the runtime ran CRIU >= 4.2 with the wlcr plugin
#   ct_window_same DESC BEFORE.png  wait for a stable window and compare it with BEFORE
# Variables: CT_PODMAN_RUN (podman run's options), CT_DOCKER (the docker client), CT_NAME.
#
# shellcheck disable=SC2034 # variables are for the tests that source this file.

# shellcheck source=test/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
# shellcheck source=scripts/rootfs.conf
source "$WLCR_TOP/scripts/rootfs.conf"

CT_SOCKET=/run/wlcr/wlcr-0
CT_WLCR=$WLCR_TOP/build/bin/wlcr
# The Debian client that matches dockerd 20.10 (another one may come first in PATH).
CT_DOCKER=/usr/bin/docker
# Root here lacks CAP_SYS_RESOURCE: podman's default rlimits cannot be set.
CT_ULIMITS=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
# What apps in the containers need beyond the proxy: a UTF-8 locale (foot refuses others).
CT_ENV=(LANG=C.UTF-8 HOME=/root)

ct__require() {
	wt__require runc podman dockerd "$CT_DOCKER" jq nsenter unshare criu
	[[ -x $CT_WLCR ]] || wt_fail "$CT_WLCR not found: run make"
	[[ -x $WLCR_ROOTFS_DIR/usr/bin/weston-clickdot && -s $WLCR_ROOTFS_TAR ]] ||
		wt_fail "no container rootfs at $WLCR_ROOTFS_DIR: run scripts/setup"
}

# ct_host NAME: a private mount and network namespace, held by a process; CT_HOST_<NAME> is
# its pid.
ct_host() {
	local name=$1 ready=$WT_DIR/host-$1.ready
	wt__check_name "$name"
	ct__require
	wt__spawn "$WT_DIR/host-$name.log" - unshare --mount --net --propagation private -- \
		bash -c 'set -e
			mkdir -p /run/wlcr /usr/lib/criu
			mount -t tmpfs -o mode=0700 wlcr-host /run/wlcr
			mount --bind "$1" /usr/lib/criu
			ip link set lo up
			touch "$2"
			exec sleep 1000' ct-host "$WLCR_TOP/build/lib/criu" "$ready"
	printf -v "CT_HOST_$name" %s "$WT__SPAWNED"
	wt_wait_for 10 "host $name's namespaces" "[[ -e $ready ]]"
	wt_log "host $name: mount and network namespace of pid $WT__SPAWNED"
}

# ct_in NAME CMD...: run CMD in host NAME's mount and network namespaces.
ct_in() {
	local var="CT_HOST_$1"
	shift
	nsenter -t "${!var}" -m -n -- "$@"
}

# ct_proxy NAME [ARGS...]: the proxy for containers in host NAME, in front of the current
# compositor, started as a user would (wlcr proxy --container).
ct_proxy() {
	local name=$1
	shift
	ct_in "$name" "$CT_WLCR" proxy --container --upstream "$XDG_RUNTIME_DIR/$WT_UPSTREAM" "$@" \
		>/dev/null 2>>"$WT_DIR/ct-proxy.log" || wt_fail "wlcr proxy --container failed in $name"
	wt_on_exit "ct_proxy_log $name >/dev/null"
	wt_log "host $name: proxy at $CT_SOCKET for $WT_COMPOSITOR"
}

# ct_proxy_log NAME: prints the log of host NAME's proxy and keeps it in $WT_DIR.
ct_proxy_log() {
	ct_in "$1" cat "$CT_SOCKET.log" >"$WT_DIR/proxy-$1.log" 2>/dev/null || true
	cat "$WT_DIR/proxy-$1.log"
}

# e2e_no_protocol_error reads $WT_DIR/proxy.log: the logs of every host's proxy.
ct_no_protocol_error() {
	local h
	: >"$WT_DIR/proxy.log"
	for h; do
		ct_proxy_log "$h" >>"$WT_DIR/proxy.log"
	done
	e2e_no_protocol_error
}

# ct_save_compositor NAME / ct_use NAME: the fixtures know one compositor at a time; a test
# with two saves each after starting it and switches between them.
ct_save_compositor() {
	local v
	for v in WT_COMPOSITOR WT_UPSTREAM WT_USER WT_COMPOSITOR_PID; do
		printf -v "CT_SAVED_${1}_$v" %s "${!v}"
	done
}
ct_use() {
	local v s
	for v in WT_COMPOSITOR WT_UPSTREAM WT_USER WT_COMPOSITOR_PID; do
		s="CT_SAVED_${1}_$v"
		printf -v "$v" %s "${!s}"
	done
	export WT_COMPOSITOR WT_UPSTREAM WT_USER WT_COMPOSITOR_PID
}

# ct_runc_bundle HOST DIR APP...: a bundle whose config.json (from runc spec) runs APP on the
# cached rootfs, read-only with a tmpfs on /tmp, with the mount and environment that
# wlcr container-args prints for runc. Every namespace runc makes stays: pid, network,
# ipc, uts, mount. CT_RUNC_JQ: more of jq's filter (" | ...").
ct_runc_bundle() {
	local host=$1 dir=$2 w env args
	shift 2
	mkdir -p "$dir"
	(cd "$dir" && runc spec)
	w=$(ct_in "$host" "$CT_WLCR" container-args --runtime runc)
	env=$(printf '%s\n' "${CT_ENV[@]}" | jq -R . | jq -s .)
	# one argument a line (jq would take "-c" after --args for its own option)
	args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	jq --argjson w "$w" --argjson env "$env" --argjson args "$args" --arg root "$WLCR_ROOTFS_DIR" \
		'.process.args = $args | .process.terminal = false |
		.process.env += $env + $w.process.env | .mounts += $w.mounts |
		.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
			"options": ["nosuid", "nodev", "mode=1777"]}] |
		.root = {"path": $root, "readonly": true}'"${CT_RUNC_JQ:-}" \
		<"$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# ct_runc HOST run|restore ID BUNDLE [ARGS...]: runc run -d or runc restore -d in HOST. The
# container's stdio are pipes (stdout and stderr into $WT_DIR/ID.log): a file of the host
# would be a file outside the container's mounts, which criu cannot dump; runc hands pipes
# over by itself at restore.
ct_runc() {
	local host=$1 cmd=$2 id=$3 bundle=$4
	shift 4
	ct_in "$host" bash -c 'cd "$1" && shift && exec runc "$@" < <(:) > >(exec cat >>"$0") 2>&1' \
		"$WT_DIR/$id.log" "$bundle" "$cmd" -d "$@" "$id"
}

# ct_runc_pid HOST ID: the host pid of the container's first process.
ct_runc_pid() {
	ct_in "$1" runc state "$2" | jq -r .pid
}

# ct_dockerd HOST: a dockerd started in HOST (its bridge and iptables rules stay in HOST's
# network namespace) with the store setup imported the image into and an exec root in
# $WT_DIR; one test at a time uses that store (a lock beside it). DOCKER_HOST is set; the
# cleanup removes the containers and stops it.
ct_dockerd() {
	local host=$1 exec_root=$WT_DIR/docker
	mkdir -p "$exec_root"
	exec {CT_DOCKER_LOCK}>"$WLCR_DOCKER_ROOT.lock"
	flock -w 200 "$CT_DOCKER_LOCK" || wt_fail "another test holds $WLCR_DOCKER_ROOT.lock"
	# containerd's store under it keeps what checkpoints uploaded, and refuses a later upload
	# of the same content ("commit failed: content sha256:...: already exists"); the images
	# are docker's own (overlay2), so each test starts with an empty one
	rm -rf "$WLCR_DOCKER_ROOT/containerd"
	local var="CT_HOST_$host"
	wt__spawn "$WT_DIR/dockerd.log" - nsenter -t "${!var}" -m -n -- dockerd --experimental \
		--data-root "$WLCR_DOCKER_ROOT" --exec-root "$exec_root" \
		-H "unix://$exec_root/docker.sock" --pidfile "$exec_root/docker.pid"
	CT_DOCKERD_PID=$WT__SPAWNED
	export DOCKER_HOST=unix://$exec_root/docker.sock
	wt_on_exit ct__stop_dockerd "$host"
	wt_wait_for 30 "dockerd to answer" "$CT_DOCKER" version
	wt_log "dockerd (pid $CT_DOCKERD_PID) in host $host"
}

# ct_docker_start_checkpoint HOST CHECKPOINT NAME: docker start --checkpoint. docker 20.10
# uploads the checkpoint into containerd's content store blob by blob, and fails when two of
# its blobs have the same content ("commit failed: content sha256:...: already exists",
# moby/moby#42900): the second finds the first committed meanwhile. The content is then in
# the store and a second start finds it there; that one retry, logged, is all this does.
ct_docker_start_checkpoint() {
	local out
	if out=$(ct_in "$1" "$CT_DOCKER" start --checkpoint "$2" "$3" 2>&1); then
		return 0
	fi
	[[ $out == *"failed to upload checkpoint to containerd"*"already exists"* ]] || {
		echo "$out" >&2
		return 1
	}
	wt_log "docker start --checkpoint met moby/moby#42900 ($out); starting again"
	ct_in "$1" "$CT_DOCKER" start --checkpoint "$2" "$3"
}

ct__stop_dockerd() {
	local ids
	ids=$(ct_in "$1" "$CT_DOCKER" ps -aq 2>/dev/null)
	if [[ -n $ids ]]; then
		# shellcheck disable=SC2086
		ct_in "$1" "$CT_DOCKER" rm -f $ids >/dev/null 2>&1
	fi
	kill -TERM "$CT_DOCKERD_PID" 2>/dev/null
	for _ in $(seq 200); do
		[[ -e /proc/$CT_DOCKERD_PID ]] || break
		sleep 0.05
	done
}

# ct_check_criu LOG: the runtime's criu was CRIU >= 4.2 and loaded the wlcr plugin (from the
# host's /usr/lib/criu, without being told).
ct_check_criu() {
	local v
	v=$(sed -n 's/^.*Version: \([0-9.]*\).*/\1/p' "$1" | head -n1)
	[[ -n $v ]] || wt_fail "$1: criu wrote no version"
	[[ $(printf '%s\n4.2\n' "$v" | sort -V | head -n1) == 4.2 ]] ||
		wt_fail "$1: the runtime ran CRIU $v, not CRIU >= 4.2"
	grep -q 'Plugin "wlcr-wayland"' "$1" || wt_fail "$1: criu did not load the wlcr plugin"
}

# ct_window_same DESC BEFORE.png RECT: wait for the restored window to be drawn and stable,
# and compare it with RECT of BEFORE; leaves the shot as $WT_WINDOW_SHOT.
ct_window_same() {
	local desc=$1 before=$2 rect=$3 n
	CT_NSHOT=$((${CT_NSHOT:-0} + 1))
	n=$CT_NSHOT
	wt_wait_stable 20 "$WT_DIR/after-$n.png"
	wt_expect_same "$desc" "$before" "$WT_DIR/after-$n.png" "$rect" "$WT_WINDOW_RECT"
}

# A name for containers that no other test uses.
CT_NAME=wlcr-$$-$RANDOM

# The app of the sway tests: foot with a shell that reads lines into /tmp/typed (sh -c, not
# interactive: an interactive shell opens /dev/tty, which criu cannot dump).
CT_FOOT=(foot -- sh -c 'echo in a container; while IFS= read -r l; do echo "$l" >>/tmp/typed; done')

# ct_typed PID TEXT: type TEXT and Return on sway and wait until the container's shell (its
# first process PID, as the host sees it) has read it.
ct_typed() {
	local pid=$1 text=$2
	wt_type "$text"
	wt_as_user wtype -k Return
	wt_wait_for 10 "the restored foot to take keys" \
		"grep -qxF '$text' /proc/$pid/root/tmp/typed"
	wt_log "the container read: $text"
}
