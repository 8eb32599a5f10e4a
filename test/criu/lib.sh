# shellcheck shell=bash
# Shared by the tests of the CRIU patches the project carries (criu/patches): they run the
# ZDTM tests the patches add with CRIU's own harness, test/zdtm.py, in the patched tree that
# scripts/setup built and cached for this patch set.
set -euo pipefail

WLCR_TOP=${WLCR_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
patch_hash=$( (cd "$WLCR_TOP/criu/patches" && sha256sum -- *.patch) | sha256sum | cut -d' ' -f1)
# WLCR_CRIU_SRC: a tree with this patch set built by hand (while it is not installed)
CRIU_SRC=${WLCR_CRIU_SRC:-$(find /var/cache/wlcr/src -maxdepth 1 -type d \
	-name "criu-*-wlcr-${patch_hash:0:16}" 2>/dev/null | sort -V | tail -n1)}
if [[ -z $CRIU_SRC ]]; then
	echo "no CRIU built with these patches (${patch_hash:0:16}) in /var/cache/wlcr/src: run scripts/setup"
	exit 77
fi

# The harness keeps a test's state in the tree (pid and output files, dump directories):
# tests from concurrent make checks wait for each other. The test runs again under the lock,
# which its processes do not inherit (criu refuses to dump a task holding a file lock).
if [[ -z ${WLCR_CRIU_LOCKED:-} ]]; then
	exec flock -o -w 600 "$CRIU_SRC/test/.wlcr-zdtm.lock" env WLCR_CRIU_LOCKED=1 "$0" "$@"
fi
criu_tmp=$(mktemp -d /tmp/wlcr-criu-test.XXXXXX)
# zdtm.py reserves 20 huge pages while it runs and gives them back only if it ends normally
criu_hugepages=$(cat /proc/sys/vm/nr_hugepages)
criu_cleanup() {
	echo "$criu_hugepages" >/proc/sys/vm/nr_hugepages
	rm -rf "$criu_tmp"
}
trap criu_cleanup EXIT

# This machine has no iptables: CRIU locks the network of the test's namespaces with
# nftables (a config file, as /etc/criu/default.conf would say it).
echo "network-lock nftables" >"$criu_tmp/criu.conf"

# criu_zdtm TEST [ZDTM_ARGS...]: runs zdtm/static/TEST once with those arguments (--pre 2,
# --norst, ...) and fails unless the harness says it passed.
#
# - The flavor is uns: the test runs as a user of a user namespace that criu, root, owns.
#   Root here lacks CAP_SYS_RESOURCE, so it can't read the rlimits of another user's task in
#   its own namespace, which the h and ns flavors need (they run the test as uid 18943).
# - zdtm.py runs itself again through its #! line: the PATH leads to Debian's python3, which
#   has the protobuf and yaml modules (python3-protobuf, python3-yaml).
criu_zdtm() {
	local name=$1 rc=0
	shift
	echo "== zdtm/static/$name $*"
	(
		cd "$CRIU_SRC/test"
		exec env PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
			CRIU_CONFIG_FILE="$criu_tmp/criu.conf" \
			./zdtm.py run -t "zdtm/static/$name" -f uns "$@"
	) >"$criu_tmp/zdtm.log" 2>&1 || rc=$?
	if ((rc != 0)) || ! grep -q "Test zdtm/static/$name PASS" "$criu_tmp/zdtm.log"; then
		cat "$criu_tmp/zdtm.log"
		echo "zdtm/static/$name $* failed (exit status $rc)"
		return 1
	fi
	grep -E "Test zdtm/static/$name PASS" "$criu_tmp/zdtm.log"
}

# criu_stats DIR: the dump statistics of the images in DIR, as "name value" lines
criu_stats() {
	/usr/bin/python3 - "$1/stats-dump" "$CRIU_SRC/lib" <<-'PY'
		import sys
		sys.path.insert(0, sys.argv[2])
		import pycriu
		with open(sys.argv[1], "rb") as f:
		    st = pycriu.images.load(f)["entries"][0]["dump"]
		for k, v in sorted(st.items()):
		    print(k, v)
	PY
}
