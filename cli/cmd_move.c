/* wlcr move: a running app to another compositor, without CRIU. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ctl.h"

static const char usage[] =
	"usage: wlcr move [--socket NAME] CLIENT --to COMPOSITOR\n"
	"\n"
	"Moves a running app to another compositor: its windows leave the one it is on\n"
	"and show on COMPOSITOR (a socket name under $XDG_RUNTIME_DIR, or a path). The app\n"
	"stays connected to its proxy, which replays its state onto COMPOSITOR; nothing is\n"
	"checkpointed. CLIENT is the number in wlcr ls's CLIENT column, or the app's pid.\n"
	"A move that fails brings the app back where it was, and says why.\n"
	"\n"
	"  -s, --socket NAME   the app's proxy (default $WLCR_SOCKET or wlcr-0)\n"
	"  -t, --to COMPOSITOR the compositor to move to\n";

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int wlcr_cmd_move(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *socket = NULL, *to = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:t:h", longopts, NULL)) != -1) {
		if (c == 's') {
			socket = optarg;
		} else if (c == 't') {
			to = optarg;
		} else if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			fputs(usage, stderr);
			return 2;
		}
	}
	char *end;
	long client = argc - optind == 1 ? strtol(argv[optind], &end, 10) : -1;
	if (!to || client <= 0 || *end) {
		fputs(usage, stderr);
		return 2;
	}
	struct wlcr_cli_target t, dest;
	/* the compositor's path as this shell sees it: the proxy needs one */
	if (wlcr_cli_target(&t, socket) < 0 || wlcr_cli_target(&dest, to) < 0)
		return 1;
	int fd = wlcr_ctl_connect(t.ctl_path, WLCR_CTL_TIMEOUT_MS);
	if (fd < 0) {
		fprintf(stderr, "wlcr move: no wlcr-proxy answers at %s: %s\n", t.ctl_path,
			strerror(-fd));
		return 1;
	}
	CtlRequest req = CTL_REQUEST__INIT;
	CtlReply *reply = NULL;
	char err[768];
	req.op = CTL_OP__CTL_MOVE;
	req.has_client = req.has_pid = true;
	req.client = (uint32_t)client;
	req.pid = (int32_t)client;
	req.to = dest.socket_path;
	double t0 = now_ms();
	int ret = wlcr_ctl_call(fd, &req, &reply, err, sizeof(err));
	close(fd);
	if (ret < 0) {
		fprintf(stderr, "wlcr move: %s\n", err);
		return 1;
	}
	ctl_reply__free_unpacked(reply, NULL);
	printf("moved %ld to %s in %.0f ms\n", client, dest.socket_path, now_ms() - t0);
	return 0;
}
