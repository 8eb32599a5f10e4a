#!/bin/bash
# An app started where there is no seat, moved where there is one: weston-terminal runs
# through a proxy on headless weston (no seat, no xdg-decoration), is checkpointed, and is
# restored through another proxy onto headless sway. The proxy announces sway's seat and the
# other globals the app never met as a compositor announces a hotplugged global; the terminal
# binds the seat, and text typed on sway reaches it. (foot would not do: it refuses to start
# without a seat.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston wt-weston
wt_start_proxy
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client term weston-terminal --shell=/bin/cat
wt_wait_stable 15 "$WT_DIR/on-weston.png"
mv "$WT_DIR/proxy.log" "$WT_DIR/proxy-weston.log"

WT_COMPOSITOR=
wt_start_sway wt-sway
WT_USER= # the app and the proxies as root: see cr-sway-foot.sh
wt_start_proxy --socket wlcr-sway
WLCR_SOCKET=$XDG_RUNTIME_DIR/wlcr-sway e2e_checkpoint_restore "$WT_PID_term" term
wt_wait_stable 15 "$WT_DIR/on-sway.png"
grep -q 'replay done' "$WT_DIR/proxy.log" || wt_fail "the sway proxy did not replay"
wt_type typed-on-sway
wt_wait_for 10 "text typed on sway to reach the terminal, which had no seat before" \
	e2e_changed_from "$WT_DIR/on-sway.png"
e2e_no_protocol_error
