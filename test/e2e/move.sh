#!/bin/bash
# wlcr move: running apps move between compositors with no CRIU, through the proxy they
# started on. foot and gtk3-demo start on headless sway, take typing there, move to headless
# weston (their windows leave sway and show on weston), and back to sway, where typing
# reaches them again; weston-terminal, started on weston through a proxy of its own, moves to
# sway and takes typing there. wlcr ls says which compositor each is on.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wlcr=$WLCR_TOP/build/bin/wlcr
wt_start_sway wt-sway
WT_USER= # the apps and the proxies as root: see test/e2e/cr-sway-foot.sh
wt_start_proxy
sway_proxy=$XDG_RUNTIME_DIR/$WT_PROXY_SOCKET
mv "$WT_DIR/proxy.log" "$WT_DIR/proxy-sway.log"
sway_pid=$WT_COMPOSITOR_PID
WT_COMPOSITOR=
wt_start_weston wt-weston
wt_start_proxy --socket wlcr-weston
weston_proxy=$XDG_RUNTIME_DIR/wlcr-weston

on_sway() { WT_COMPOSITOR=sway WT_UPSTREAM=wt-sway WT_COMPOSITOR_PID=$sway_pid "$@"; }
on_weston() { WT_COMPOSITOR=weston WT_UPSTREAM=wt-weston "$@"; }

# the app's window on sway, by its app_id
shows_on_sway() { on_sway e2e_sway_rect "$1" >/dev/null; }
gone_from_sway() { ! shows_on_sway "$1"; }
# the area of weston's screen that is window, in pixels
weston_area() {
	on_weston wt_screenshot "$WT_DIR/weston.png" || return 1
	local rect
	rect=$(wt_window_rect "$WT_DIR/weston.png") || { echo 0; return; }
	read -r _ _ w h <<<"$rect"
	echo $((w * h))
}
more_on_weston() { (($(weston_area) > $1)); }
less_on_weston() { (($(weston_area) < $1)); }

# typing on sway reaches the app (its window changes; by more than a blinking cursor for GTK,
# by any pixel for the terminals, whose text after weston may be tiny: foot sizes its font by
# the output's physical size, see the README's matrix)
typing_reaches() {
	local id=$1 rect blink=0
	[[ $id == gtk3-demo ]] && blink=64
	on_sway wt_as_user swaymsg "[app_id=$id] focus" >/dev/null
	sleep 0.3
	rect=$(on_sway e2e_sway_rect "$id" | tr ' ' ,)
	on_sway wt_screenshot "$WT_DIR/type-$id.png"
	on_sway wt_type "wlcr moves the app"
	wt_wait_for 10 "typing on sway to reach $id" \
		"on_sway wt_screenshot $WT_DIR/typed.png && ! wt__pngcmp compare $WT_DIR/type-$id.png $WT_DIR/typed.png --rect-a $rect --rect-b \$(on_sway e2e_sway_rect $id | tr ' ' ,) --tolerance 8 --max-diff-pixels $blink >/dev/null"
	wt_log "typing on sway reaches $id"
}

move() {
	local out
	out=$("$wlcr" move --socket "$1" "$2" --to "$3" 2>&1) || wt_fail "wlcr move $2 to $3: $out"
	wt_log "$out"
}

# the compositor wlcr ls gives for pid
compositor_of() {
	"$wlcr" ls --socket "$1" | awk -v p="$2" '
		$2 == p { mine = 1; next }
		mine && /on the compositor at/ { print $NF; exit }
		/^[0-9]/ { mine = 0 }'
}

WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET
WT_CLIENT_DISPLAY=wlcr-test wt_run_client foot foot sh -c 'echo ready; exec cat'
WT_CLIENT_DISPLAY=wlcr-test wt_run_client gtk3 GTK_THEME=Adwaita NO_AT_BRIDGE=1 gtk3-demo
WT_CLIENT_DISPLAY=wlcr-weston wt_run_client term weston-terminal --shell=/bin/sh
wt_wait_for 15 "foot on sway" shows_on_sway foot
wt_wait_for 15 "gtk3-demo on sway" shows_on_sway gtk3-demo
sleep 1 # weston-terminal placed; nothing tells when
area=$(weston_area)
((area > 0)) || wt_fail "weston-terminal shows no window on weston"
typing_reaches foot
typing_reaches gtk3-demo

for app in foot gtk3; do
	pid=WT_PID_$app
	id=$([[ $app == gtk3 ]] && echo gtk3-demo || echo foot)
	move "$sway_proxy" "${!pid}" wt-weston
	wt_wait_for 10 "$app to leave sway" gone_from_sway "$id"
	wt_wait_for 10 "$app to show on weston" more_on_weston "$area"
	area=$(weston_area)
	[[ $(compositor_of "$sway_proxy" "${!pid}") == "$XDG_RUNTIME_DIR/wt-weston" ]] ||
		wt_fail "wlcr ls does not say $app is on weston: $("$wlcr" ls --socket "$sway_proxy")"
	wt_alive "${!pid}" || wt_fail "$app died"
done
"$wlcr" ls --socket "$sway_proxy" >&2
for app in foot gtk3; do
	pid=WT_PID_$app
	id=$([[ $app == gtk3 ]] && echo gtk3-demo || echo foot)
	move "$sway_proxy" "${!pid}" wt-sway
	wt_wait_for 10 "$app to show on sway again" shows_on_sway "$id"
	wt_wait_for 10 "$app to leave weston" less_on_weston "$area"
	area=$(weston_area)
	typing_reaches "$id"
done

# weston-terminal, from weston (its own proxy) to sway
move "$weston_proxy" "$WT_PID_term" wt-sway
wt_wait_for 10 "weston-terminal to show on sway" shows_on_sway \
	org.freedesktop.weston.wayland-terminal
wt_wait_for 10 "weston to show no window" "(( \$(weston_area) == 0 ))"
typing_reaches org.freedesktop.weston.wayland-terminal

for log in proxy-sway.log proxy.log; do
	if grep 'wl_display.error' "$WT_DIR/$log" >&2; then
		wt_fail "protocol error in $log"
	fi
done
grep ': first frame on ' "$WT_DIR/proxy-sway.log" "$WT_DIR/proxy.log" >&2 || true
