/* wlcr proxy and wlcr container-args: the convention that lets a container
 * runtime's own checkpoint and restore find the proxy.
 *
 * The proxy that serves containers listens at a fixed host path,
 * /run/wlcr/wlcr-0. A container gets only that socket file, bind-mounted at
 * the same path, and WAYLAND_DISPLAY naming it. So getpeername() of the
 * app's socket names a path that exists both in the container and on the
 * host; a restore on another host finds that host's proxy at the same path
 * with no environment variable; and the control socket beside it
 * (wlcr-0.ctl), through which a proxy can be made to freeze and hand over
 * any client, is never visible inside a container. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char proxy_usage[] =
	"usage: wlcr proxy [--container] [--socket-group GID] [--socket NAME] [--upstream NAME]\n"
	"                  [--socket-mode MODE] [--shm-only]\n"
	"\n"
	"Starts wlcr-proxy on NAME (default $WLCR_SOCKET or wlcr-0) unless one answers\n"
	"there, and prints the path of its Wayland socket.\n"
	"\n"
	"  --container        the proxy for containers: NAME is " WLCR_CONTAINER_SOCKET ",\n"
	"                     its directory is created (mode 0700) and the socket gets\n"
	"                     mode 0666, so that a container whose uids are mapped\n"
	"                     (podman --uidmap) reaches it through its bind mount\n"
	"  --socket-group GID with --container: the directory gets mode 0710 and the\n"
	"                     socket 0660, both of group GID: a container whose root is\n"
	"                     mapped to that gid reaches the socket, also when criu\n"
	"                     restores its bind mount from inside its user namespace,\n"
	"                     and no other host user does\n"
	"  --socket NAME      the proxy's socket (name under $XDG_RUNTIME_DIR, or a path)\n"
	"  --upstream NAME    the compositor (default $WAYLAND_DISPLAY)\n"
	"  --socket-mode MODE the listening socket's mode, octal\n"
	"  --shm-only         hide dmabuf/wl_drm (software rendering)\n";

/* The directory of an absolute socket path: created 0700 if missing; an
 * existing one must not let other users in, since the socket in it may be
 * mode 0666. With a group (gid >= 0), 0710 of that group: criu restores a
 * container's bind mounts from inside its user namespace, as the mapped
 * root, which must then pass through the directory to the socket. */
static int prepare_dir(const char *socket_path, long gid)
{
	char dir[108];
	snprintf(dir, sizeof(dir), "%s", socket_path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "wlcr proxy: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	struct stat st;
	if (stat(dir, &st) < 0) {
		fprintf(stderr, "wlcr proxy: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	/* ours: closed to others (a tmpfs is mounted 01777 or 0755 by
	 * default), since the socket in it will be open to every uid */
	mode_t want = gid >= 0 ? 0710 : 0700;
	if (S_ISDIR(st.st_mode) && st.st_uid == getuid()) {
		if (gid >= 0 && st.st_gid != (gid_t)gid && chown(dir, (uid_t)-1, (gid_t)gid) == 0)
			st.st_gid = (gid_t)gid;
		if ((st.st_mode & 07777) != want && chmod(dir, want) == 0)
			st.st_mode = (st.st_mode & ~(mode_t)07777) | want;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 07777) != want ||
	    (gid >= 0 && st.st_gid != (gid_t)gid)) {
		fprintf(stderr,
			"wlcr proxy: %s must be a directory of uid %u with mode %04o (it guards "
			"a socket that containers with mapped uids can reach)\n",
			dir, (unsigned)getuid(), (unsigned)want);
		return -1;
	}
	return 0;
}

int wlcr_cmd_proxy(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "container", no_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "upstream", required_argument, NULL, 'u' },
		{ "socket-mode", required_argument, NULL, 'M' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "shm-only", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *socket = NULL, *upstream = NULL, *mode = NULL;
	int container = 0, shm_only = 0, c;
	long gid = -1;
	char *end;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:u:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			container = 1;
			break;
		case 's':
			socket = optarg;
			break;
		case 'u':
			upstream = optarg;
			break;
		case 'M':
			mode = optarg;
			break;
		case 'g':
			errno = 0;
			gid = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || gid < 0 || gid > 0x7fffffffL) {
				fprintf(stderr, "wlcr proxy: --socket-group: not a gid: %s\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			shm_only = 1;
			break;
		case 'h':
			fputs(proxy_usage, stdout);
			return 0;
		default:
			fputs(proxy_usage, stderr);
			return 2;
		}
	}
	if (optind != argc || (gid >= 0 && !container)) {
		fputs(proxy_usage, stderr);
		return 2;
	}
	if (container) {
		if (!socket)
			socket = WLCR_CONTAINER_SOCKET;
		if (!mode)
			mode = gid >= 0 ? "0660" : "0666";
	}
	struct wlcr_cli_target t;
	if (wlcr_cli_target(&t, socket) < 0)
		return 1;
	if (container && prepare_dir(t.socket_path, gid) < 0)
		return 1;
	char *extra[5];
	size_t n = 0;
	if (shm_only)
		extra[n++] = "--shm-only";
	if (mode) {
		extra[n++] = "--socket-mode";
		extra[n++] = (char *)mode;
	}
	extra[n] = NULL;
	if (wlcr_cli_ensure_proxy(&t, upstream, extra) < 0)
		return 1;
	if (gid >= 0 &&
	    (chown(t.socket_path, (uid_t)-1, (gid_t)gid) < 0 || chmod(t.socket_path, 0660) < 0)) {
		fprintf(stderr, "wlcr proxy: cannot give %s to group %ld: %s\n", t.socket_path, gid,
			strerror(errno));
		return 1;
	}
	printf("%s\n", t.socket_path);
	return 0;
}

static const char args_usage[] =
	"usage: wlcr container-args [--runtime podman|docker|runc] [--socket PATH]\n"
	"\n"
	"Prints what a container needs to run a Wayland app through the proxy for\n"
	"containers (wlcr proxy --container) and be checkpointable by its runtime: the\n"
	"proxy's socket alone, bind-mounted at the path the host has it, and\n"
	"WAYLAND_DISPLAY naming it. Never the control socket beside it.\n"
	"\n"
	"  --runtime podman   (default) options for podman run, on one line:\n"
	"                       podman run $(wlcr container-args) IMAGE APP\n"
	"  --runtime docker   the same for docker run\n"
	"  --runtime runc     a JSON object with mounts and process.env for config.json:\n"
	"                       jq --argjson w \"$(wlcr container-args --runtime runc)\" \\\n"
	"                         '.mounts += $w.mounts | .process.env += $w.process.env'\n"
	"  --socket PATH      another proxy socket (default " WLCR_CONTAINER_SOCKET ")\n";

int wlcr_cmd_container_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runtime", required_argument, NULL, 'r' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *runtime = "podman", *socket = WLCR_CONTAINER_SOCKET;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			runtime = optarg;
			break;
		case 's':
			socket = optarg;
			break;
		case 'h':
			fputs(args_usage, stdout);
			return 0;
		default:
			fputs(args_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(args_usage, stderr);
		return 2;
	}
	/* printed into options and JSON unquoted: keep it to plain paths */
	if (socket[0] != '/' || strlen(socket) >= 108 || strpbrk(socket, " \t\n\"\\'$`:,")) {
		fprintf(stderr,
			"wlcr container-args: %s: expected an absolute path without "
			"spaces, quotes, colons or commas\n",
			socket);
		return 2;
	}
	struct wlcr_cli_target t;
	if (wlcr_cli_target(&t, socket) < 0)
		return 1;
	if (wlcr_cli_proxy_alive(&t) == 0)
		fprintf(stderr,
			"wlcr container-args: note: no wlcr-proxy answers at %s yet (wlcr proxy "
			"--container starts one)\n",
			socket);
	if (strcmp(runtime, "podman") == 0 || strcmp(runtime, "docker") == 0) {
		printf("--volume %s:%s --env WAYLAND_DISPLAY=%s\n", socket, socket, socket);
	} else if (strcmp(runtime, "runc") == 0) {
		printf("{\"mounts\": [{\"destination\": \"%s\", \"type\": \"bind\", \"source\": "
		       "\"%s\", \"options\": [\"bind\", \"rw\"]}], \"process\": {\"env\": "
		       "[\"WAYLAND_DISPLAY=%s\"]}}\n",
		       socket, socket, socket);
	} else {
		fprintf(stderr, "wlcr container-args: unknown runtime %s (podman, docker, runc)\n",
			runtime);
		return 2;
	}
	return 0;
}
