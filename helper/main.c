/* wlcr-proxy: a Wayland proxy that keeps a restorable journal of every
 * client. See man/wlcr-proxy.1.scd. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "protoload.h"
#include "proxy.h"

#ifndef WLCR_VERSION
#define WLCR_VERSION "0.1"
#endif

static const char usage[] =
	"usage: wlcr-proxy [options]\n"
	"\n"
	"Listens on $XDG_RUNTIME_DIR/NAME for Wayland clients and forwards each to its own\n"
	"connection to the compositor, keeping a journal of its objects so that wlcr and the\n"
	"CRIU plugin can checkpoint and restore it.\n"
	"\n"
	"  -s, --socket NAME      listening socket name or absolute path (default wlcr-0);\n"
	"                         the control socket is NAME.ctl (mode 0600)\n"
	"      --socket-mode MODE the listening socket's mode, octal (e.g. 0666 for containers\n"
	"                         whose uids are mapped: the directory then guards it)\n"
	"  -u, --upstream NAME    compositor socket, name or path (default $WAYLAND_DISPLAY)\n"
	"  -r, --ready-fd N       write a newline to fd N once serving, then close it\n"
	"      --shm-only         hide dmabuf and wl_drm, so clients render to wl_shm\n"
	"      --protocol-dir DIR read protocol XML for globals the build does not know\n"
	"                         from DIR first (repeatable); then wayland-protocols'\n"
	"                         and plasma-wayland-protocols' directories\n"
	"      --compat FILE      \"interface version\" lines capping advertised versions\n"
	"      --record DIR       write each client's traffic to DIR/client-N.wlrec\n"
	"                         (for debugging and the fuzzer's corpus)\n"
	"      --buffer-limit N   bytes queued towards one side before the proxy stops\n"
	"                         reading from the other side (default 4194304)\n"
	"      --max-client-fds N      fds (shm pools) one client may make the proxy keep\n"
	"                         (default: an eighth of the open files limit, <= 4096)\n"
	"      --max-client-objects N  live objects per client (default 100000)\n"
	"      --max-client-journal N  journal bytes per client (default 67108864)\n"
	"      --compositor-timeout S  when the compositor goes away, its clients wait\n"
	"                         this long for it to come back and are replayed onto\n"
	"                         it (default 60; 0: they are closed at once)\n"
	"  -l, --log-level L      silent, error, warn, info (default) or debug\n"
	"  -h, --help             this text\n"
	"  -v, --version          print the version\n";

enum {
	OPT_SHM_ONLY = 256,
	OPT_ALLOW_UNKNOWN,
	OPT_PROTOCOL_DIR,
	OPT_COMPAT,
	OPT_BUFFER_LIMIT,
	OPT_RECORD,
	OPT_MAX_FDS,
	OPT_MAX_OBJECTS,
	OPT_MAX_JOURNAL,
	OPT_COMPOSITOR_TIMEOUT,
	OPT_SOCKET_MODE,
};

/* The soft open-files limit up to the hard one: every client costs the
 * proxy two sockets and its shm pools' fds. Returns the limit now. */
static unsigned long raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY ? 1048576 : (unsigned long)rl.rlim_cur;
}

static int parse_int(const char *s, long min, long max, long *ret)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "socket-mode", required_argument, NULL, OPT_SOCKET_MODE },
		{ "upstream", required_argument, NULL, 'u' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "shm-only", no_argument, NULL, OPT_SHM_ONLY },
		{ "allow-unknown", no_argument, NULL, OPT_ALLOW_UNKNOWN },
		{ "protocol-dir", required_argument, NULL, OPT_PROTOCOL_DIR },
		{ "compat", required_argument, NULL, OPT_COMPAT },
		{ "buffer-limit", required_argument, NULL, OPT_BUFFER_LIMIT },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "max-client-fds", required_argument, NULL, OPT_MAX_FDS },
		{ "max-client-objects", required_argument, NULL, OPT_MAX_OBJECTS },
		{ "max-client-journal", required_argument, NULL, OPT_MAX_JOURNAL },
		{ "compositor-timeout", required_argument, NULL, OPT_COMPOSITOR_TIMEOUT },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ 0 },
	};
	struct wlcr_proxy_options opt = {
		.socket_name = "wlcr-0",
		.upstream = getenv("WAYLAND_DISPLAY"),
		.ready_fd = -1,
		.buffer_limit = 4 << 20,
		.max_client_objects = 100000,
		.max_client_journal = 64 << 20,
		.compositor_timeout_ms = 60000,
		.socket_mode = -1,
	};
	long max_fds = -1;
	int level = WLCR_LOG_INFO, c;
	long v;

	while ((c = getopt_long(argc, argv, "s:u:r:l:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt.socket_name = optarg;
			break;
		case 'u':
			opt.upstream = optarg;
			break;
		case 'r':
			if (parse_int(optarg, 0, 65535, &v) < 0) {
				fprintf(stderr, "wlcr-proxy: --ready-fd: not an fd: %s\n", optarg);
				return 2;
			}
			opt.ready_fd = (int)v;
			break;
		case OPT_SHM_ONLY:
			opt.shm_only = true;
			break;
		case OPT_ALLOW_UNKNOWN:
			/* it passed globals whose messages the proxy could not
			 * parse: the first object made through one broke the
			 * client ("invalid object") */
			fprintf(stderr, "wlcr-proxy: --allow-unknown is gone: the proxy must parse "
					"every message it passes; give it the protocol's XML with "
					"--protocol-dir DIR\n");
			return 2;
		case OPT_PROTOCOL_DIR: {
			const char **d =
				realloc(opt.protocol_dirs, (opt.nprotocol_dirs + 1) * sizeof(*d));
			if (!d) {
				fprintf(stderr, "wlcr-proxy: out of memory\n");
				return 1;
			}
			opt.protocol_dirs = d;
			d[opt.nprotocol_dirs++] = optarg;
			break;
		}
		case OPT_COMPAT:
			opt.compat_file = optarg;
			break;
		case OPT_BUFFER_LIMIT:
			if (parse_int(optarg, 65536, 1L << 30, &v) < 0) {
				fprintf(stderr,
					"wlcr-proxy: --buffer-limit: expected 65536..1073741824: "
					"%s\n",
					optarg);
				return 2;
			}
			opt.buffer_limit = (size_t)v;
			break;
		case OPT_SOCKET_MODE: {
			char *end;
			errno = 0;
			long m = strtol(optarg, &end, 8);
			if (errno || *end || end == optarg || m < 0 || m > 0777) {
				fprintf(stderr,
					"wlcr-proxy: --socket-mode: expected octal 0..0777: %s\n",
					optarg);
				return 2;
			}
			opt.socket_mode = (int)m;
			break;
		}
		case OPT_RECORD:
			opt.record_dir = optarg;
			break;
		case OPT_COMPOSITOR_TIMEOUT:
			if (parse_int(optarg, 0, 86400, &v) < 0) {
				fprintf(stderr,
					"wlcr-proxy: --compositor-timeout: expected 0..86400 "
					"seconds: "
					"%s\n",
					optarg);
				return 2;
			}
			opt.compositor_timeout_ms = (unsigned)v * 1000;
			break;
		case OPT_MAX_FDS:
		case OPT_MAX_OBJECTS:
		case OPT_MAX_JOURNAL:
			if (parse_int(optarg, 0, 1L << 40, &v) < 0) {
				fprintf(stderr, "wlcr-proxy: --%s: not a number: %s\n",
					c == OPT_MAX_FDS       ? "max-client-fds"
					: c == OPT_MAX_OBJECTS ? "max-client-objects"
							       : "max-client-journal",
					optarg);
				return 2;
			}
			if (c == OPT_MAX_FDS)
				max_fds = v;
			else if (c == OPT_MAX_OBJECTS)
				opt.max_client_objects =
					(uint32_t)(v > UINT32_MAX ? UINT32_MAX : v);
			else
				opt.max_client_journal = (size_t)v;
			break;
		case 'l':
			level = wlcr_log_parse_level(optarg);
			if (level < 0) {
				fprintf(stderr, "wlcr-proxy: unknown log level %s\n", optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'v':
			printf("wlcr-proxy %s\n", WLCR_VERSION);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wlcr-proxy: unexpected argument %s\n%s", argv[optind], usage);
		return 2;
	}
	wlcr_log_init("wlcr-proxy", (enum wlcr_log_level)level);
	unsigned long nofile = raise_nofile();
	if (max_fds < 0)
		max_fds = nofile / 8 > 4096 ? 4096 : (long)(nofile / 8);
	opt.max_client_fds = (unsigned)max_fds;
	wlcr_info("open files limit %lu; per client at most %u fds, %u objects, %zu journal bytes",
		  nofile, opt.max_client_fds, opt.max_client_objects, opt.max_client_journal);
	if (!opt.upstream) {
		wlcr_err("no compositor: set WAYLAND_DISPLAY or pass --upstream");
		return 1;
	}
	/* client sockets must never land on 0-2: a stray write to "stderr"
	 * would then corrupt a Wayland stream */
	while (1) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0 || fd > 2) {
			if (fd > 2)
				close(fd);
			break;
		}
	}

	char err[512];
	if (wlcr_protoload_init(opt.protocol_dirs, opt.nprotocol_dirs, true, err, sizeof(err)) <
	    0) {
		wlcr_err("%s", err);
		return 1;
	}
	size_t nfiles, nifaces;
	wlcr_protoload_stats(&nfiles, &nifaces);
	wlcr_info("protocol XML: %zu interfaces built in, %zu more from %zu files read at start-up",
		  wlcr_interfaces_count, nifaces, nfiles);

	struct wlcr_proxy proxy;
	int ret = wlcr_proxy_init(&proxy, &opt);
	if (ret == 0)
		ret = wlcr_proxy_run(&proxy);
	wlcr_proxy_finish(&proxy);
	wlcr_protoload_finish();
	free(opt.protocol_dirs);
	return ret < 0 ? 1 : 0;
}
