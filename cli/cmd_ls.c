#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ctl.h"

static const char usage[] =
	"usage: wlcr ls [--socket NAME]\n"
	"\n"
	"Lists the clients of the proxy on NAME (default $WLCR_SOCKET or wlcr-0).\n";

static void human_bytes(char *buf, size_t cap, uint64_t n)
{
	if (n < 10 * 1024)
		snprintf(buf, cap, "%lluB", (unsigned long long)n);
	else if (n < 10 * 1024 * 1024)
		snprintf(buf, cap, "%lluK", (unsigned long long)(n / 1024));
	else
		snprintf(buf, cap, "%lluM", (unsigned long long)(n / (1024 * 1024)));
}

int wlcr_cmd_ls(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *socket = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
		if (c == 's') {
			socket = optarg;
		} else if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			fputs(usage, stderr);
			return 2;
		}
	}
	struct wlcr_cli_target t;
	if (wlcr_cli_target(&t, socket) < 0)
		return 1;
	int fd = wlcr_ctl_connect(t.ctl_path, WLCR_CTL_TIMEOUT_MS);
	if (fd < 0) {
		fprintf(stderr, "wlcr ls: no wlcr-proxy answers at %s: %s\n", t.ctl_path,
			strerror(-fd));
		return 1;
	}
	CtlRequest req = CTL_REQUEST__INIT;
	CtlReply *reply = NULL;
	char err[512];
	req.op = CTL_OP__CTL_LIST;
	int ret = wlcr_ctl_call(fd, &req, &reply, err, sizeof(err));
	close(fd);
	if (ret < 0) {
		fprintf(stderr, "wlcr ls: %s: %s\n", t.ctl_path, err);
		return 1;
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	printf("%-6s %-8s %-8s %-6s %-7s %-8s %-10s %-10s %-10s %s\n", "CLIENT", "PID", "NSPID",
	       "UID", "OBJECTS", "JOURNAL", "COMMIT", "CHECKPOINT", "STATE", "TITLE (APP_ID)");
	for (size_t i = 0; i < reply->n_clients; i++) {
		const CtlClient *cl = reply->clients[i];
		char bytes[32];
		human_bytes(bytes, sizeof(bytes), cl->journal_bytes);
		/* one word in the table; the whole state below when longer */
		const char *state = cl->state ? cl->state : "?";
		char word[16];
		snprintf(word, sizeof(word), "%.*s", (int)strcspn(state, " ,"), state);
		/* how long ago the app last committed a frame (not the replay) */
		char commit[32] = "-";
		if (cl->has_last_commit_ns && cl->last_commit_ns <= now)
			snprintf(commit, sizeof(commit), "%llums ago",
				 (unsigned long long)((now - cl->last_commit_ns) / 1000000));
		printf("%-6u %-8d %-8d %-6u %-7u %-8s %-10s %-10s %-10s %s%s%s%s\n", cl->index,
		       cl->pid, cl->has_pid_in_ns ? cl->pid_in_ns : cl->pid, cl->uid,
		       cl->live_objects, bytes, commit, cl->checkpointable ? "yes" : "no", word,
		       cl->title ? cl->title : "", cl->app_id && *cl->app_id ? " (" : "",
		       cl->app_id ? cl->app_id : "", cl->app_id && *cl->app_id ? ")" : "");
		if (strcmp(word, state) != 0)
			printf("       %s\n", state);
		if (cl->compositor && reply->upstream && strcmp(cl->compositor, reply->upstream))
			printf("       on the compositor at %s\n", cl->compositor);
		if (!cl->checkpointable && cl->not_checkpointable_reason)
			printf("       not checkpointable: %s\n", cl->not_checkpointable_reason);
	}
	printf("%zu client%s on %s (compositor %s, proxy pid %d)\n", reply->n_clients,
	       reply->n_clients == 1 ? "" : "s", t.socket_path,
	       reply->upstream ? reply->upstream : "?", reply->proxy_pid);
	ctl_reply__free_unpacked(reply, NULL);
	return 0;
}
