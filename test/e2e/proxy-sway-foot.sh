#!/bin/bash
# foot through the proxy on headless sway (as the unprivileged test user): the same pixels as
# run directly, typed text arrives intact, and the proxy logs no protocol error.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_sway
wt_start_proxy
wt_screenshot "$WT_DIR/empty.png"

# foot's prompt would show the test user's home path: a fixed prompt keeps shots comparable.
e2e_shot_of direct "$WT_UPSTREAM" foot -- sh -c 'PS1="$ " exec sh'
direct_rect=$E2E_RECT
e2e_shot_of proxied "$WT_PROXY_SOCKET" foot -- sh -c 'PS1="$ " exec sh'
wt_expect_same "foot direct and through the proxy" "$WT_DIR/direct.png" "$WT_DIR/proxied.png" \
	"$direct_rect" "$E2E_RECT"
wt_expect_differ "foot against the empty desktop (negative control)" "$WT_DIR/proxied.png" \
	"$WT_DIR/empty.png" "$E2E_RECT" "$E2E_RECT"

# Every key typed into the proxied window reaches the program in it.
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client reader \
	foot -- sh -c 'IFS= read -r line; printf "%s\n" "$line" >"$HOME/typed"'
wt_wait_stable 10 "$WT_DIR/reader.png"
wt_type "typed through wlcr-proxy"
wt_wait_for 5 "the typed text to show" e2e_changed_from "$WT_DIR/reader.png"
wt_as_user wtype -k Return
wt_wait_for 5 "the reader to save the line" "[[ -s $WT_HOME/typed ]]"
[[ $(cat "$WT_HOME/typed") == "typed through wlcr-proxy" ]] ||
	wt_fail "typed text arrived as: $(cat "$WT_HOME/typed")"
e2e_no_protocol_error
wt_log "foot renders and takes keys through the proxy"
