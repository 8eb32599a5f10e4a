#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: wlcr run [--socket NAME] [--upstream NAME] [--no-bus] [--shm-only] -- APP "
	"[ARGS...]\n"
	"\n"
	"Runs APP through wlcr-proxy, starting one on NAME (default $WLCR_SOCKET or wlcr-0)\n"
	"if none answers there. APP gets WAYLAND_DISPLAY pointing at the proxy and no\n"
	"inherited fds beyond 0-2 (stray fds make checkpoints fail).\n"
	"\n"
	"  --socket NAME     the proxy's socket (name under $XDG_RUNTIME_DIR, or a path)\n"
	"  --upstream NAME   compositor for a newly started proxy (default $WAYLAND_DISPLAY)\n"
	"  --shm-only        a newly started proxy hides dmabuf/wl_drm (software rendering)\n"
	"  --no-bus          no D-Bus session or accessibility bus for APP: their sockets\n"
	"                    lead outside the checkpointed tree and make criu fail\n";

int wlcr_cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "upstream", required_argument, NULL, 'u' },
		{ "no-bus", no_argument, NULL, 'b' },
		{ "shm-only", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *socket = NULL, *upstream = NULL;
	int no_bus = 0, shm_only = 0, c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:u:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			socket = optarg;
			break;
		case 'u':
			upstream = optarg;
			break;
		case 'b':
			no_bus = 1;
			break;
		case 'm':
			shm_only = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "wlcr run: no application given\n%s", usage);
		return 2;
	}
	struct wlcr_cli_target t;
	if (wlcr_cli_target(&t, socket) < 0)
		return 1;
	char *extra[] = { shm_only ? "--shm-only" : NULL, NULL };
	if (wlcr_cli_ensure_proxy(&t, upstream, extra) < 0)
		return 1;

	setenv("WAYLAND_DISPLAY", t.socket_path, 1);
	/* a client given WAYLAND_SOCKET would bypass the proxy */
	unsetenv("WAYLAND_SOCKET");
	if (no_bus) {
		setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:", 1);
		setenv("NO_AT_BRIDGE", "1", 1);
	}
	if (close_range(3, ~0U, 0) < 0) {
		perror("wlcr run: close_range");
		return 1;
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "wlcr run: cannot run %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
