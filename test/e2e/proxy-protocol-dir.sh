#!/bin/bash
# A protocol the build does not know, usable without a rebuild: wlr-randr speaks
# wlr-output-management (zwlr_output_manager_v1), whose XML is in no Debian package the build
# reads. Through a proxy without its XML, the global is hidden and the proxy says why, once, at
# its default log level; wlr-randr finds no such interface, as on a compositor without it.
# Through a proxy given the XML with --protocol-dir, wlr-randr lists sway's output as it does
# directly and sends a configuration as directly: objects made through the protocol and the
# events that make server objects (heads, modes) all pass, parsed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_sway
WT_USER= # the clients and the proxies as root: see test/e2e/cr-sway-foot.sh
randr() { # randr DISPLAY ARGS...: wlr-randr's output, and its exit status
	local display=$1
	shift
	WAYLAND_DISPLAY=$display XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR wlr-randr "$@"
}
randr "$WT_UPSTREAM" >"$WT_DIR/direct.txt" || wt_fail "wlr-randr fails on sway itself"
grep -q HEADLESS-1 "$WT_DIR/direct.txt" || wt_fail "wlr-randr lists no output directly"

# no XML for it: hidden, and said so
wt_start_proxy
if randr "$WT_PROXY_SOCKET" >"$WT_DIR/noxml.txt" 2>&1; then
	wt_fail "wlr-randr worked through a proxy without the protocol's XML"
fi
grep -q 'hiding zwlr_output_manager_v1 .*no protocol XML found; add --protocol-dir' \
	"$WT_DIR/proxy.log" || wt_fail "the proxy did not say why it hides zwlr_output_manager_v1"
randr "$WT_PROXY_SOCKET" >/dev/null 2>&1 || true
n=$(grep -c 'hiding zwlr_output_manager_v1' "$WT_DIR/proxy.log")
((n == 1)) || wt_fail "the proxy said $n times why it hides zwlr_output_manager_v1, not once"
wt_log "without its XML: $(tail -n1 "$WT_DIR/noxml.txt")"
wt_kill "$WT_PROXY_PID"
mv "$WT_DIR/proxy.log" "$WT_DIR/proxy-noxml.log"

# its XML given at start-up
wt_start_proxy --protocol-dir "$WLCR_TOP/test/data/protocols" --log-level debug
grep -q 'protocol XML: .* more from' "$WT_DIR/proxy.log" || wt_fail "the proxy read no XML"
randr "$WT_PROXY_SOCKET" >"$WT_DIR/proxied.txt" || wt_fail "wlr-randr failed through the proxy"
diff -u "$WT_DIR/direct.txt" "$WT_DIR/proxied.txt" >&2 ||
	wt_fail "wlr-randr through the proxy lists other outputs than directly"
# A configuration: objects the client makes through the protocol (the configuration, a head
# in it), its setters and apply, and the compositor's answer. Headless sway 1.7 refuses to
# apply one (its output reports itself disabled, mode 0x0): the same answer as directly.
apply() { # apply DISPLAY: wlr-randr's status and words when it sets a scale
	local rc=0 out
	out=$(randr "$1" --output HEADLESS-1 --scale 2 2>&1) || rc=$?
	echo "status $rc: $out"
}
direct=$(apply "$WT_UPSTREAM")
proxied=$(apply "$WT_PROXY_SOCKET")
[[ $proxied == "$direct" ]] ||
	wt_fail "a configuration through the proxy: '$proxied'; directly: '$direct'"
grep -q -- '-> zwlr_output_configuration_v1@[0-9]*.apply' "$WT_DIR/proxy.log" ||
	wt_fail "the configuration's apply did not go through the proxy"
wt_log "a configuration through the proxy, as directly: $proxied"
e2e_no_protocol_error
wt_log "through --protocol-dir, wlr-randr works as directly"
