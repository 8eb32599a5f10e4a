/* wlcr: the front door for people. See man/wlcr.1.scd. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef WLCR_VERSION
#define WLCR_VERSION "0.1"
#endif

static const char usage[] =
	"usage: wlcr COMMAND [options]\n"
	"\n"
	"Checkpoint, restore and live-migrate Wayland applications with CRIU.\n"
	"\n"
	"commands:\n"
	"  run [--socket NAME] [--upstream NAME] [--no-bus] -- APP [ARGS...]\n"
	"        start wlcr-proxy on NAME (default wlcr-0) unless it runs, then run APP\n"
	"        through it with a clean fd table\n"
	"  ls [--socket NAME]\n"
	"        list the proxy's clients: pid, title, live objects, journal size,\n"
	"        and whether each can be checkpointed (and why not)\n"
	"  dump [-R] PID DIR\n"
	"        checkpoint PID's process tree with criu and the wlcr plugin\n"
	"  restore DIR\n"
	"        restore it (to the proxy it came from, or the one WLCR_SOCKET names)\n"
	"  show IMAGE\n"
	"        print a wayland-<ino>.img readably\n"
	"  move [--socket NAME] CLIENT --to COMPOSITOR\n"
	"        move a running app to another compositor (no checkpoint)\n"
	"  proxy [--container] [--socket NAME] [--upstream NAME] [--socket-mode MODE]\n"
	"        start wlcr-proxy unless it runs; --container: the one containers use,\n"
	"        at " WLCR_CONTAINER_SOCKET "\n"
	"  container-args [--runtime podman|docker|runc]\n"
	"        print the mount and environment a container needs to use that proxy\n"
	"  migrate [--mode copy|lazy|precopy|auto] [--no-lazy] PID HOST[:PORT]\n"
	"        move PID's tree, live, to HOST's compositor (wlcr receive there)\n"
	"  receive [--port PORT] [--once]\n"
	"        take apps that wlcr migrate sends here\n"
	"  link-test [--size SIZE] HOST[:PORT]\n"
	"        measure the link to a wlcr receive, as migrate would use it\n"
	"  keygen [--ca CA_DIR] DIR\n"
	"        make the TLS credentials of migrate and receive\n"
	"\n"
	"  -h, --help       this text\n"
	"  -v, --version    print the version\n"
	"\n"
	"WLCR_SOCKET selects the proxy when --socket is not given. See wlcr(1).\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "-v") == 0 || strcmp(cmd, "--version") == 0) {
		printf("wlcr %s\n", WLCR_VERSION);
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return wlcr_cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "ls") == 0)
		return wlcr_cmd_ls(argc - 1, argv + 1);
	if (strcmp(cmd, "dump") == 0)
		return wlcr_cmd_dump(argc - 1, argv + 1);
	if (strcmp(cmd, "restore") == 0)
		return wlcr_cmd_restore(argc - 1, argv + 1);
	if (strcmp(cmd, "show") == 0)
		return wlcr_cmd_show(argc - 1, argv + 1);
	if (strcmp(cmd, "move") == 0)
		return wlcr_cmd_move(argc - 1, argv + 1);
	if (strcmp(cmd, "proxy") == 0)
		return wlcr_cmd_proxy(argc - 1, argv + 1);
	if (strcmp(cmd, "container-args") == 0)
		return wlcr_cmd_container_args(argc - 1, argv + 1);
	if (strcmp(cmd, "migrate") == 0)
		return wlcr_cmd_migrate(argc - 1, argv + 1);
	if (strcmp(cmd, "link-test") == 0)
		return wlcr_cmd_link_test(argc - 1, argv + 1);
	if (strcmp(cmd, "receive") == 0)
		return wlcr_cmd_receive(argc - 1, argv + 1);
	if (strcmp(cmd, "keygen") == 0)
		return wlcr_cmd_keygen(argc - 1, argv + 1);
	fprintf(stderr, "wlcr: unknown command '%s'\n\n%s", cmd, usage);
	return 2;
}
