/* wlcr link-test: what the link to a wlcr receive carries, through the
 * migration channel itself: how long the memory of an app of a given size
 * takes to cross it, before moving one (bench/migrate's bound for copy). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "cli.h"
#include "link.h"
#include "net.h"
#include "progress.h"
#include "tls.h"

static const char usage[] =
	"usage: wlcr link-test [--keys DIR] [--size SIZE] [--timeout S] [-q] HOST[:PORT]\n"
	"\n"
	"Pushes SIZE bytes (default 64M; suffixes K, M, G are binary) to the wlcr receive\n"
	"on HOST through the same TLS channel, route and credentials wlcr migrate uses,\n"
	"and prints the round trip and the rate, measured from the first byte sent to\n"
	"the receiver's word that it has read the last. Nothing is written there.\n"
	"wlcr migrate probes 8 MiB to plan; on a link whose pace drops once buffers\n"
	"fill, a push as large as the app's memory tells what moving it costs.\n"
	"\n"
	"  --keys DIR    TLS credentials (wlcr keygen), default /etc/wlcr/keys\n"
	"  --size SIZE   bytes to push, at least 256K\n"
	"  --timeout S   give up when the receiver is silent this long (default 10)\n"
	"  -q, --quiet   no progress line, only the result\n"
	"\n"
	"Prints: HOST: SIZE in T s, RATE MiB/s, round trip R ms. Exit 0, or 1 with why.\n";

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return -1;
	double mul = 1;
	switch (*end) {
	case 'K':
	case 'k':
		mul = 1024.0, end++;
		break;
	case 'M':
	case 'm':
		mul = 1048576.0, end++;
		break;
	case 'G':
	case 'g':
		mul = 1073741824.0, end++;
		break;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	if (*end || v * mul > 1e15)
		return -1;
	*out = (uint64_t)(v * mul);
	return 0;
}

struct link_test {
	const char *keys;
	char host[256];
	unsigned port;
	uint64_t size;
	int timeout_ms;
	bool quiet;
};

static int parse(struct link_test *lt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "size", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	lt->keys = "/etc/wlcr/keys";
	lt->size = 64u << 20;
	lt->timeout_ms = 10000;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			lt->keys = optarg;
			break;
		case 's':
			if (parse_size(optarg, &lt->size) < 0 || lt->size < WLCR_LINK_PIECE) {
				fprintf(stderr,
					"wlcr link-test: --size wants a size of at least 256K: "
					"%s\n",
					optarg);
				return 2;
			}
			break;
		case 't':
			lt->timeout_ms = (int)(atof(optarg) * 1000);
			if (lt->timeout_ms < 500) {
				fprintf(stderr, "wlcr link-test: --timeout of at least 0.5 s\n");
				return 2;
			}
			break;
		case 'q':
			lt->quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fputs(usage, stderr);
		return 2;
	}
	if (wlcr_net_parse(argv[optind], lt->host, sizeof(lt->host), &lt->port, WLCR_MIG_PORT) <
	    0) {
		fprintf(stderr, "wlcr link-test: not HOST[:PORT]: %s\n", argv[optind]);
		return 2;
	}
	return -1;
}

/* One PROBE_ACK, or -errno (-EPROTO for any other message). */
static int ack(struct wlcr_tls *t, int timeout_ms)
{
	MigMsg *msg = NULL;
	int r = wlcr_chan_recv(t, &msg, timeout_ms);
	if (r < 0)
		return r;
	r = msg->op == MIG_OP__MIG_PROBE_ACK ? 0 : -EPROTO;
	mig_msg__free_unpacked(msg, NULL);
	return r;
}

static int run(const struct link_test *lt, struct wlcr_tls *ch, struct wlcr_progress *prog)
{
	char err[512];
	struct wlcr_tls_creds creds;
	if (wlcr_tls_creds_load(&creds, lt->keys, err, sizeof(err)) < 0) {
		fprintf(stderr, "wlcr link-test: %s\n", err);
		return 1;
	}
	int fd = wlcr_net_connect(lt->host, lt->port, lt->timeout_ms, err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "wlcr link-test: %s (is wlcr receive running there?)\n", err);
		wlcr_tls_creds_finish(&creds);
		return 1;
	}
	int r = wlcr_tls_start(ch, &creds, fd, false, lt->timeout_ms, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "wlcr link-test: %s:%u: %s\n", lt->host, lt->port, err);
		wlcr_tls_creds_finish(&creds);
		return 1;
	}
	/* a round trip first: the rate must not count it */
	MigMsg p = MIG_MSG__INIT;
	p.op = MIG_OP__MIG_PROBE;
	p.has_last = true;
	p.last = true;
	double t0 = wlcr_now();
	r = wlcr_chan_send(ch, &p);
	if (r == 0)
		r = ack(ch, lt->timeout_ms);
	double rtt = wlcr_now() - t0;
	wlcr_progress_phase(prog, "pushing");
	t0 = wlcr_now();
	if (r == 0)
		r = wlcr_link_push(ch, lt->size, 0, prog);
	if (r == 0)
		r = ack(ch, lt->timeout_ms);
	double dt = wlcr_now() - t0 - rtt;
	wlcr_progress_end(prog);
	wlcr_tls_creds_finish(&creds);
	if (r < 0) {
		fprintf(stderr, "wlcr link-test: %s:%u: %s%s\n", lt->host, lt->port,
			wlcr_chan_strerror(r, "the receiver"),
			r == -ECONNRESET ? " (an older wlcr receive?)" : "");
		return 1;
	}
	char h[32];
	if (dt < 1e-4)
		dt = 1e-4;
	printf("%s: %s in %.3f s, %.1f MiB/s, round trip %.2f ms\n", lt->host,
	       wlcr_human(h, sizeof(h), (double)lt->size), dt, (double)lt->size / dt / 1048576,
	       rtt * 1e3);
	return 0;
}

int wlcr_cmd_link_test(int argc, char **argv)
{
	struct link_test lt = { 0 };
	int r = parse(&lt, argc, argv);
	if (r >= 0)
		return r;
	struct wlcr_progress prog;
	wlcr_progress_init(&prog, stderr, lt.quiet);
	struct wlcr_tls ch = { .fd = -1 };
	r = run(&lt, &ch, &prog);
	if (ch.session || ch.fd >= 0)
		wlcr_tls_close(&ch);
	return r;
}
