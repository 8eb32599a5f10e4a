# shellcheck shell=bash
#
# Test hosts for the migration tests, on top of test/lib/fixtures.sh (call wt_init first).
#
# A host is its own pid, mount and network namespace with an init of its own that reaps at once
# (build/test/bin/wlcr-hostinit): CRIU restores the dumped pids, and in lazy mode the source's
# tasks still hold them, so two hosts cannot share one pid namespace. Each host has private
# mounts of /run (a tmpfs, as on a real host: criu keeps its kernel facts there, and its
# wlcr-proxy listens in /run/wlcr, at the same path on every host), /var/tmp
# (the work directories of wlcr migrate and receive: no image is ever on a shared file system)
# and a devpts instance of its own (a pty keeps its index across a move). Hosts are joined by a
# veth pair with link-local addresses; no traffic leaves them. Each host's compositor runs
# outside the namespaces, its socket in the host's runtime directory, so that screenshots and
# typing work from the test; its proxy, apps, criu and wlcr run inside (nsenter).
#
#   mh_host NAME PIDBASE              a host; its processes get pids above PIDBASE
#   mh_link A B                       a veth pair between A and B; addresses in MH_ADDR[NAME]
#   mh_in NAME CMD...                 run CMD in host NAME and wait for it
#   mh_spawn NAME LOG CMD...          start CMD in host NAME in the background, its own session,
#                                     stdio opened in the host (LOG), no other fds; its pid
#                                     there in MH_SPAWNED
#   mh_compositor NAME sway|weston    the host's compositor (fixtures' wt_start_*)
#   mh_use NAME                       screenshots and typing (wt_*) go to NAME's compositor
#   mh_proxy NAME                     wlcr-proxy in NAME at $MH_PROXY, in front of its compositor
#   mh_keys                           credentials: MH_KEYS[A], MH_KEYS[B] from one CA, and
#                                     MH_KEYS[other] from another
#   mh_receive NAME [ARGS...]         wlcr receive in NAME, listening on its address
#   mh_app NAME VAR CMD...            an app in host NAME through its proxy; its pid (as the
#                                     hosts see it) in MH_NSPID[VAR]
#   mh_kill NAME NSPID [SIGNAL]       signal a process of host NAME
#   mh_clients NAME                   how many clients NAME's proxy has
#
# shellcheck disable=SC2034 # MH_* are for the tests that source this file.

MH_PROXY=/run/wlcr/wlcr-0
declare -A MH_PID MH_ADDR MH_RUN MH_COMPOSITOR MH_UPSTREAM MH_COMPOSITOR_PID MH_USER MH_SWAYSOCK
declare -A MH_KEYS MH_NSPID
MH_HOSTINIT=$WLCR_TOP/build/test/bin/wlcr-hostinit
MH_WLCR=$WLCR_TOP/build/bin/wlcr
MH_NEXT_ADDR=1

mh__require() {
	[[ $(id -u) == 0 ]] || wt_skip "the test hosts need root"
	[[ -x $MH_HOSTINIT ]] || wt_fail "$MH_HOSTINIT not found: run make tests"
	wt__require unshare nsenter ip
}

# mh_host NAME PIDBASE
mh_host() {
	local name=$1 base=$2 unshare_pid init=
	mh__require
	mkdir -p "$WT_DIR/$name"
	# the host's setup runs inside its namespaces, then becomes its init
	wt__spawn "$WT_DIR/$name/host.log" - unshare --pid --fork --mount --net \
		--propagation private -- /bin/sh -c '
		set -e
		mount -t proc proc /proc
		mount -t tmpfs -o mode=0755 run /run
		mkdir -p /run/wlcr
		mount -t tmpfs -o mode=1777 tmp /var/tmp
		mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts /dev/pts
		mount --bind /dev/pts/ptmx /dev/ptmx
		ip link set lo up
		echo "$1" >/proc/sys/kernel/ns_last_pid
		exec "$2"' sh "$base" "$MH_HOSTINIT"
	unshare_pid=$WT__SPAWNED
	mh__init_of() {
		init=$(cat "/proc/$unshare_pid/task/$unshare_pid/children" 2>/dev/null) &&
			[[ -n $init && $(cat "/proc/${init%% *}/comm" 2>/dev/null) == wlcr-hostinit ]]
	}
	wt_wait_for 10 "host $name to start" mh__init_of
	MH_PID[$name]=${init%% *}
	# its end ends everything in it
	wt_on_exit "kill -TERM ${MH_PID[$name]} 2>/dev/null"
	wt_log "host $name: init pid ${MH_PID[$name]}, pids from $base"
}

# mh_link A B: a veth pair, A gets 169.254.77.N and B the next address
mh_link() {
	local a=$1 b=$2 ia=mh$$a ib=mh$$b
	ia=${ia:0:15}
	ib=${ib:0:15}
	ip link add "$ia" type veth peer name "$ib" || wt_fail "cannot make a veth pair"
	ip link set "$ia" netns "${MH_PID[$a]}"
	ip link set "$ib" netns "${MH_PID[$b]}"
	MH_ADDR[$a]=169.254.77.$((MH_NEXT_ADDR++))
	MH_ADDR[$b]=169.254.77.$((MH_NEXT_ADDR++))
	nsenter -t "${MH_PID[$a]}" --net sh -c \
		"ip addr add ${MH_ADDR[$a]}/24 dev $ia && ip link set $ia up" ||
		wt_fail "cannot set up $a's link"
	nsenter -t "${MH_PID[$b]}" --net sh -c \
		"ip addr add ${MH_ADDR[$b]}/24 dev $ib && ip link set $ib up" ||
		wt_fail "cannot set up $b's link"
	MH_LINK[$a]=$ia
	MH_LINK[$b]=$ib
	wt_log "link: $a ${MH_ADDR[$a]} <-> $b ${MH_ADDR[$b]}"
}
declare -A MH_LINK

# mh_link_state NAME up|down: the host's end of the link (a cut network)
mh_link_state() {
	nsenter -t "${MH_PID[$1]}" --net ip link set "${MH_LINK[$1]}" "$2"
}

# mh_link_rate NAME RATE|off: what leaves host NAME over the link is shaped to RATE (tc's
# units, e.g. 400mbit), or no longer: a transfer slow enough to be cut half-way on purpose
mh_link_rate() {
	if [[ $2 == off ]]; then
		nsenter -t "${MH_PID[$1]}" --net tc qdisc del dev "${MH_LINK[$1]}" root 2>/dev/null || :
	else
		nsenter -t "${MH_PID[$1]}" --net tc qdisc replace dev "${MH_LINK[$1]}" root tbf \
			rate "$2" burst 256kb latency 100ms
	fi
}

# mh_in NAME CMD...: in the host, with fds beyond 0-2 closed (they belong to another mount
# namespace, and criu cannot dump what a restored process would inherit of them)
mh_in() {
	local name=$1
	shift
	nsenter -t "${MH_PID[$name]}" --pid --mount --net -- /bin/bash -c '
		for fd in /proc/self/fd/*; do
			fd=${fd##*/}
			((fd > 2)) && eval "exec $fd>&-"
		done
		exec "$@"' mh "$@"
}

# mh_spawn NAME LOG CMD...: in the background, in its own session, a child of the host's init
# (which reaps it at once when it dies); stdio opened in the host. Its pid as the host sees it
# is in MH_SPAWNED.
mh_spawn() {
	local name=$1 log=$2
	shift 2
	MH_SPAWNED=$(mh_in "$name" /bin/sh -c \
		'log=$1; shift; setsid "$@" </dev/null >>"$log" 2>&1 & echo $!' sh "$log" "$@") ||
		wt_fail "cannot start $1 in host $name"
}

# mh_kill NAME NSPID [SIGNAL]
mh_kill() {
	mh_in "$1" kill "-${3:-TERM}" "$2"
}

# The fixtures' compositor state, saved per host.
mh__save() {
	MH_RUN[$1]=$XDG_RUNTIME_DIR
	MH_COMPOSITOR[$1]=$WT_COMPOSITOR
	MH_UPSTREAM[$1]=$WT_UPSTREAM
	MH_COMPOSITOR_PID[$1]=$WT_COMPOSITOR_PID
	MH_USER[$1]=$WT_USER
	MH_SWAYSOCK[$1]=${SWAYSOCK:-}
}

mh_use() {
	XDG_RUNTIME_DIR=${MH_RUN[$1]}
	WT_COMPOSITOR=${MH_COMPOSITOR[$1]}
	WT_UPSTREAM=${MH_UPSTREAM[$1]}
	WT_COMPOSITOR_PID=${MH_COMPOSITOR_PID[$1]}
	WT_USER=${MH_USER[$1]}
	SWAYSOCK=${MH_SWAYSOCK[$1]}
	export XDG_RUNTIME_DIR WT_COMPOSITOR WT_UPSTREAM WT_COMPOSITOR_PID WT_USER SWAYSOCK
}

# mh_compositor NAME sway|weston
mh_compositor() {
	local name=$1 kind=$2
	XDG_RUNTIME_DIR=$WT_DIR/$name/run
	mkdir -m 0700 -p "$XDG_RUNTIME_DIR"
	export XDG_RUNTIME_DIR
	WT_COMPOSITOR=
	SWAYSOCK=
	case $kind in
	sway) wt_start_sway ;;
	weston) wt_start_weston ;;
	*) wt_fail "mh_compositor: $kind?" ;;
	esac
	mh__save "$name"
}

mh_clients() {
	mh_in "$1" "$MH_WLCR" ls --socket "$MH_PROXY" 2>/dev/null |
		sed -n 's/^\([0-9]*\) clients\{0,1\} on .*/\1/p'
}

# mh_proxy NAME: wlcr-proxy as root in the host, at the same path on every host
mh_proxy() {
	local name=$1 proxy=${WLCR_PROXY:-$WLCR_TOP/build/bin/wlcr-proxy}
	mh_spawn "$name" "$WT_DIR/$name/proxy.log" "$proxy" --socket "$MH_PROXY" \
		--upstream "${MH_RUN[$name]}/${MH_UPSTREAM[$name]}"
	wt_wait_for 10 "$name's proxy to answer" "[[ -n \$(mh_clients $name) ]]"
}

mh_keys() {
	"$MH_WLCR" keygen --name host-a "$WT_DIR/keys-a" >/dev/null &&
		"$MH_WLCR" keygen --ca "$WT_DIR/keys-a" --name host-b "$WT_DIR/keys-b" >/dev/null &&
		"$MH_WLCR" keygen --name intruder "$WT_DIR/keys-other" >/dev/null ||
		wt_fail "wlcr keygen failed"
	MH_KEYS[A]=$WT_DIR/keys-a
	MH_KEYS[B]=$WT_DIR/keys-b
	MH_KEYS[other]=$WT_DIR/keys-other
}

# mh_receive NAME [ARGS...]: wlcr receive, with the host's keys, logging to NAME/receive.log
mh_receive() {
	local name=$1 log=$WT_DIR/$1/receive.log
	shift
	: >"$log"
	mh_spawn "$name" "$log" "$MH_WLCR" receive --keys "${MH_KEYS[$name]}" \
		--listen "${MH_ADDR[$name]}" --timeout 5 "$@"
	MH_RECEIVE_PID[$name]=$MH_SPAWNED
	wt_wait_for 10 "wlcr receive on $name" "grep -q listening $log"
}
declare -A MH_RECEIVE_PID

# mh_app NAME VAR CMD...: an app in host NAME through its proxy, as root, with a clean
# environment (no session bus), stdout and stderr to $WT_DIR/NAME/VAR.log; its pid as the hosts
# see it in MH_NSPID[VAR]
mh_app() {
	local name=$1 var=$2
	shift 2
	wt__env
	mh_spawn "$name" "$WT_DIR/$name/$var.log" "${WT__ENV[@]}" WAYLAND_DISPLAY="$MH_PROXY" \
		NO_AT_BRIDGE=1 DBUS_SESSION_BUS_ADDRESS=disabled: GDK_BACKEND=wayland \
		SDL_AUDIODRIVER=dummy "$@"
	MH_NSPID[$var]=$MH_SPAWNED
	wt_log "app $var in $name: pid $MH_SPAWNED there: $*"
}

# mh_nspid_alive NAME NSPID: a process with that pid runs in host NAME
mh_nspid_alive() {
	mh_in "$1" sh -c "[ -e /proc/$2 ] && ! grep -q '^State:.*Z' /proc/$2/status"
}
