/* wlcr receive: the destination side of a live migration.
 *
 * It listens on TCP, accepts a peer only after mutual TLS with a
 * certificate of its CA, and then takes one migration at a time: checks
 * that it can run the app here (a wlcr-proxy at each path the app talks
 * to, its pids free), runs criu's page server (copy) or lazy-pages daemon
 * (lazy) with the same credentials, writes the image files it is sent
 * into a private directory, restores the tree stopped, and lets it run
 * only on the source's COMMIT.
 *
 * The restored tree is never left half-way: a failure before COMMIT kills
 * it, so does a lazy page transfer that fails after it (its memory would
 * be zeros), and a guard process does the same if this process dies. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"
#include "cli.h"
#include "criu_run.h"
#include "guard.h"
#include "migration.h"
#include "net.h"
#include "planner.h"
#include "progress.h"

static const char usage[] =
	"usage: wlcr receive [options]\n"
	"\n"
	"Takes apps that `wlcr migrate` sends from another host, one at a time, and\n"
	"restores each onto this host's compositor through the wlcr-proxy at the same\n"
	"path as on the source. Only peers with a certificate of this host's CA are\n"
	"accepted (wlcr keygen); whoever may send here runs code here as root.\n"
	"\n"
	"  --listen ADDR   address to listen on (default: every address)\n"
	"  --port PORT     TCP port (default 7411)\n"
	"  --keys DIR      credentials from wlcr keygen (default /etc/wlcr/keys)\n"
	"  --once          exit after the first migration: 0 if the app runs here\n"
	"  --ready-fd FD   write a newline to FD once listening\n"
	"  --timeout S     a silent peer is a failure after S seconds (default 10)\n"
	"  --keep          keep each migration's image directory and criu's logs\n"
	"\n"
	"See wlcr-migrate(1).\n";

#define OUTCOMES 16
/* a source takes this long at most to dump and send between two messages */
#define SOURCE_BOUND_MS (10 * 60 * 1000)
#define HEARTBEAT_MS	500
#define SHOWN_WAIT_MS	2000

struct recv {
	const char *listen_addr, *keys;
	unsigned port;
	bool once, keep;
	int ready_fd, timeout_ms;
	struct wlcr_tls_creds creds;
	bool lazy_ok;
	bool lazy_parent_ok; /* this CRIU restores a pre-copy's pages lazily */
	char host[128];
	struct {
		uint8_t id[16];
		MigResult result;
	} outcomes[OUTCOMES];
	unsigned noutcomes;
};

/* a userfaultfd per restored process (threads share it); a tree of more
 * processes has the rest unheld, as without wlcr_criu_hold_uffds */
#define HELD_UFFDS_MAX 256

struct session {
	struct recv *r;
	struct wlcr_tls ch;
	char peer[64], local[64];
	MigMsg *hello;
	int mode;
	char base[PATH_MAX]; /* the work directory */
	char dir[PATH_MAX];  /* the images: base, or the current round's under it */
	unsigned round;	     /* pre-copy: the round whose page server runs */
	struct wlcr_criu ps; /* page server (copy), lazy-pages daemon (lazy, or a
			      * pre-copy restored lazily from the images here) */
	bool lazy_local;     /* pre-copy, large copy: its pages come lazily from the images here */
	/* the daemon's userfaultfds, held while it serves (wlcr_criu_hold_uffds) */
	int uffds[HELD_UFFDS_MAX];
	size_t n_uffds;
	unsigned ps_port;
	struct wlcr_guard guard;
	bool restored, running;
	uint64_t resumed_ns, bytes;
	uint64_t bytes_before; /* pre-copy: the rounds' pages */
	struct wlcr_progress prog;
	char err[1024];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int fail(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return -1;
}

static void remember(struct recv *r, const uint8_t *id, MigResult result)
{
	unsigned i = r->noutcomes++ % OUTCOMES;
	memcpy(r->outcomes[i].id, id, 16);
	r->outcomes[i].result = result;
}

static MigResult outcome_of(const struct recv *r, const ProtobufCBinaryData *id)
{
	for (unsigned i = 0; i < OUTCOMES && i < r->noutcomes; i++)
		if (id->len == 16 && memcmp(r->outcomes[i].id, id->data, 16) == 0)
			return r->outcomes[i].result;
	return MIG_RESULT__MIG_RESULT_UNKNOWN;
}

/* How much memory has arrived: the page server's files (copy), or the
 * lazy-pages daemon's connection (lazy). */
static uint64_t memory_bytes(struct session *s)
{
	if (s->mode != WLCR_MODE_LAZY && s->dir[0])
		return s->bytes_before + wlcr_mig_dir_bytes(s->dir, "pages-");
	uint64_t sent = 0, received = 0;
	if (s->ps_port && wlcr_net_port_bytes(s->ps_port, &sent, &received) == 0 &&
	    received > s->bytes)
		return received;
	return s->bytes;
}

static int heartbeat(struct session *s)
{
	MigMsg p = MIG_MSG__INIT;
	p.op = MIG_OP__MIG_PROGRESS;
	p.has_bytes = true;
	p.bytes = s->bytes = memory_bytes(s);
	return wlcr_chan_send(&s->ch, &p);
}

/* Waits for the source's next message, or for cr to exit (returns 1), up
 * to timeout_ms, telling the source how far the memory is meanwhile. */
static int next(struct session *s, struct wlcr_criu *cr, MigMsg **msg, int timeout_ms)
{
	double deadline = wlcr_now() + timeout_ms / 1e3;
	*msg = NULL;
	for (;;) {
		if (cr && wlcr_criu_reap(cr, 0) == 1)
			return 1;
		if (stop)
			return -EINTR;
		if (wlcr_tls_pending(&s->ch))
			return wlcr_chan_recv(&s->ch, msg, s->r->timeout_ms);
		double left = deadline - wlcr_now();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p[2] = { { .fd = s->ch.fd, .events = POLLIN },
				       { .fd = cr ? cr->pidfd : -1, .events = POLLIN } };
		int n = poll(p, 2,
			     left * 1e3 < HEARTBEAT_MS ? (int)(left * 1e3) + 1 : HEARTBEAT_MS);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0 && p[0].revents)
			return wlcr_chan_recv(&s->ch, msg, s->r->timeout_ms);
		if (n > 0 && p[1].revents)
			continue; /* reaped above */
		int r = heartbeat(s);
		if (r < 0)
			return r;
	}
}

/* Waits for cr to exit, telling the source meanwhile that we live; the
 * source may give up. Returns 0 once it exited, or -1 (s->err). */
static int wait_criu(struct session *s, struct wlcr_criu *cr, int timeout_ms)
{
	MigMsg *msg = NULL;
	int r = next(s, cr, &msg, timeout_ms);
	if (r == 1)
		return 0;
	if (r == 0) {
		fail(s, "the source %s: %s",
		     msg->op == MIG_OP__MIG_ABORT ? "gave up" : "sent a message out of turn",
		     msg->error ? msg->error : wlcr_chan_op_name(msg->op));
		mig_msg__free_unpacked(msg, NULL);
		return -1;
	}
	return fail(s, "while criu %s ran: %s", cr->what,
		    r == -ETIMEDOUT ? "it did not finish in time" : strerror(-r));
}

/* Can this host take the app? Empty err: yes. */
static void check_hello(struct session *s, char *err, size_t errlen)
{
	const MigMsg *h = s->hello;
	err[0] = '\0';
	if (!h->has_version || h->version != WLCR_MIG_VERSION) {
		snprintf(err, errlen, "migration protocol %u here, %u there: use the same release",
			 WLCR_MIG_VERSION, h->has_version ? h->version : 0);
		return;
	}
	if (!h->has_id || h->id.len != 16 || h->n_pids == 0) {
		snprintf(err, errlen, "a HELLO without an id or pids");
		return;
	}
	for (size_t i = 0; i < h->n_proxies; i++) {
		struct wlcr_cli_target t;
		if (h->proxies[i][0] != '/' || wlcr_cli_target(&t, h->proxies[i]) < 0) {
			snprintf(err, errlen, "bad proxy path %s", h->proxies[i]);
			return;
		}
		int alive = wlcr_cli_proxy_alive(&t);
		if (alive != 1) {
			snprintf(err, errlen,
				 "no wlcr-proxy answers at %s on %s: the app talks to one at that "
				 "path; start one there (wlcr-proxy --socket %s)",
				 t.ctl_path, s->r->host, h->proxies[i]);
			return;
		}
	}
	/* CRIU gives every task its old pid and thread id back */
	for (size_t i = 0; i < h->n_pids; i++) {
		char path[64], comm[32] = "?";
		snprintf(path, sizeof(path), "/proc/%d/comm", h->pids[i]);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		snprintf(err, errlen,
			 "pid %d is taken on %s (by %s): CRIU restores the app's pids as they "
			 "were",
			 h->pids[i], s->r->host, comm);
		return;
	}
	char why[512];
	if (wlcr_mig_pipe_size(why, sizeof(why)) < 0)
		snprintf(err, errlen, "%s", why);
}

static int welcome(struct session *s)
{
	char err[600];
	check_hello(s, err, sizeof(err));
	MigMsg w = MIG_MSG__INIT;
	w.op = MIG_OP__MIG_WELCOME;
	w.has_version = true;
	w.version = WLCR_MIG_VERSION;
	w.has_modes = true;
	w.modes =
		WLCR_MODE_BIT(WLCR_MODE_COPY) | (s->r->lazy_ok ? WLCR_MODE_BIT(WLCR_MODE_LAZY) : 0);
	w.host = s->r->host;
	w.has_lazy_parent = true;
	w.lazy_parent = s->r->lazy_parent_ok;
	w.error = err[0] ? err : NULL;
	wlcr_chan_send(&s->ch, &w);
	return err[0] ? fail(s, "refused %s (pid %d) from %s: %s",
			     s->hello->app ? s->hello->app : "?",
			     s->hello->n_pids ? s->hello->pids[0] : 0, s->peer, err)
		      : 0;
}

/* The page server for a copy or a pre-copy round, into s->dir; for a round
 * after the first, the round before is its parent (the pages there are not
 * sent again). */
static int page_server(struct session *s, unsigned round)
{
	static char portarg[16];
	int port = wlcr_net_free_port(s->local);
	if (port < 0)
		return fail(s, "no free TCP port on %s", s->local);
	snprintf(portarg, sizeof(portarg), "%d", port);
	s->ps_port = (unsigned)port;
	wlcr_criu_init(&s->ps, "page-server", "page-server");
	wlcr_criu_args(&s->ps, "-D", s->dir, "--address", s->local, "--port", portarg, "-v2", "-o",
		       "page-server.log", NULL);
	static char prev[16];
	snprintf(prev, sizeof(prev), "../%u", round ? round - 1 : 0);
	if (round > 0)
		wlcr_criu_args(&s->ps, "--prev-images-dir", prev, NULL);
	wlcr_criu_tls(&s->ps, s->r->creds.ca, s->r->creds.cert, s->r->creds.key);
	/* it must not outlive us: the source's dump then fails */
	int r = wlcr_criu_spawn(&s->ps, true, true);
	if (r < 0)
		return fail(s, "cannot run criu page-server: %s", strerror(-r));
	if (wlcr_criu_wait_ready(&s->ps, s->r->timeout_ms) < 0) {
		char errs[600];
		wlcr_criu_kill(&s->ps);
		wlcr_criu_log_errors(s->dir, "page-server.log", errs, sizeof(errs));
		return fail(s, "criu page-server did not start: %s", errs);
	}
	return 0;
}

/* A pre-copy round's directory, ROUND beside the round before. */
static int round_dir(struct session *s, unsigned round)
{
	int n = snprintf(s->dir, sizeof(s->dir), "%s/%u", s->base, round);
	if (n < 0 || (size_t)n >= sizeof(s->dir))
		return fail(s, "work directory path too long");
	if (mkdir(s->dir, 0700) < 0)
		return fail(s, "cannot make %s: %s", s->dir, strerror(errno));
	return 0;
}

/* The source gave a pre-copy chain up for another mode: the round's page
 * server waiting for a dump that will not come goes, so do the rounds'
 * images; the work directory stays, empty, for the new mode. */
static void restart(struct session *s)
{
	char dir[PATH_MAX + 16];
	if (s->ps.pid > 0) {
		wlcr_criu_abort_network(&s->ps);
		wlcr_criu_kill(&s->ps);
	}
	wlcr_criu_finish(&s->ps);
	for (unsigned i = 0; i <= s->round; i++) {
		snprintf(dir, sizeof(dir), "%s/%u", s->base, i);
		wlcr_mig_rmdir(dir);
	}
	snprintf(s->dir, sizeof(s->dir), "%s", s->base);
	s->bytes_before = s->bytes = 0;
	s->round = 0;
	wlcr_progress_say(&s->prog,
			  "wlcr receive: the source gave the pre-copy up; starting again");
}

static int prepare(struct session *s, const MigMsg *p)
{
	bool precopy = p->has_mode && p->mode == MIG_MODE__MIG_MODE_PRECOPY;
	unsigned round = precopy && p->has_offset ? (unsigned)p->offset : 0;
	if (!p->has_mode || !(p->mode == MIG_MODE__MIG_MODE_COPY || precopy ||
			      (p->mode == MIG_MODE__MIG_MODE_LAZY && s->r->lazy_ok)))
		return fail(s, "mode %d is not possible here", p->has_mode ? (int)p->mode : 0);
	if (s->base[0] && s->mode == WLCR_MODE_PRECOPY && !precopy) {
		/* nothing of the chain was restored: start again */
		restart(s);
		s->mode = (int)p->mode;
		MigMsg ready = MIG_MSG__INIT;
		ready.op = MIG_OP__MIG_READY;
		if (s->mode != WLCR_MODE_LAZY) {
			if (page_server(s, 0) < 0)
				return -1;
			ready.has_port = true;
			ready.port = s->ps_port;
		}
		return wlcr_chan_send(&s->ch, &ready) < 0 ? fail(s, "the source went away") : 0;
	}
	if (s->base[0] && !(precopy && s->mode == WLCR_MODE_PRECOPY && round == s->round + 1))
		return fail(s, "PREPARE out of turn");
	MigMsg ready = MIG_MSG__INIT;
	ready.op = MIG_OP__MIG_READY;
	if (!s->base[0]) {
		s->mode = (int)p->mode;
		if (wlcr_mig_workdir(s->base, sizeof(s->base), "wlcr-receive") < 0)
			return fail(s, "cannot make a work directory: %s", strerror(errno));
		snprintf(s->dir, sizeof(s->dir), "%s", s->base);
		/* from here on, what we leave goes with us */
		int g = wlcr_guard_start(&s->guard, s->r->keep ? NULL : s->base);
		if (g < 0)
			return fail(s, "cannot start the guard: %s", strerror(-g));
	} else {
		/* the round before has ended: its page server exits */
		if (wait_criu(s, &s->ps, s->r->timeout_ms) < 0)
			return -1;
		wlcr_criu_finish(&s->ps);
		if (s->ps.exit_code != 0) {
			char errs[600];
			wlcr_criu_log_errors(s->dir, "page-server.log", errs, sizeof(errs));
			return fail(s, "criu page-server of round %u failed (exit %d): %s",
				    s->round, s->ps.exit_code, errs);
		}
		ready.has_bytes = true;
		ready.bytes = wlcr_mig_dir_bytes(s->dir, "pages-");
		s->bytes_before += ready.bytes;
	}
	if (precopy && round_dir(s, round) < 0)
		return -1;
	s->round = round;
	if (s->mode != WLCR_MODE_LAZY) {
		if (page_server(s, round) < 0)
			return -1;
		ready.has_port = true;
		ready.port = s->ps_port;
	}
	return wlcr_chan_send(&s->ch, &ready) < 0 ? fail(s, "the source went away") : 0;
}

/* The lazy-pages daemon, connected to the source's dump (port), or with
 * port 0 serving the pages of a pre-copy from the images here. */
static int start_lazy(struct session *s, unsigned port)
{
	static char portarg[16];
	snprintf(portarg, sizeof(portarg), "%u", port);
	s->ps_port = port;
	wlcr_criu_init(&s->ps, "lazy-pages", "lazy-pages");
	wlcr_criu_args(&s->ps, "-D", s->dir, "-v2", "-o", "lazy-pages.log", NULL);
	if (port) {
		wlcr_criu_args(&s->ps, "--page-server", "--address", s->peer, "--port", portarg,
			       NULL);
		wlcr_criu_tls(&s->ps, s->r->creds.ca, s->r->creds.cert, s->r->creds.key);
	}
	int r = wlcr_criu_spawn(&s->ps, true, true);
	if (r < 0)
		return fail(s, "cannot run criu lazy-pages: %s", strerror(-r));
	if (wlcr_criu_wait_ready(&s->ps, s->r->timeout_ms) < 0) {
		char errs[600];
		wlcr_criu_kill(&s->ps);
		wlcr_criu_log_errors(s->dir, "lazy-pages.log", errs, sizeof(errs));
		return fail(s, "criu lazy-pages did not start: %s", errs);
	}
	return 0;
}

/* Why the lazy-pages daemon ended badly: a signal, or its log's errors. */
static void daemon_failure(struct session *s, char *buf, size_t cap)
{
	if (s->ps.exit_code > 128) {
		snprintf(buf, cap, "criu lazy-pages was killed by signal %d",
			 s->ps.exit_code - 128);
		return;
	}
	wlcr_criu_log_errors(s->dir, "lazy-pages.log", buf, cap);
}

static void drop_uffds(struct session *s)
{
	while (s->n_uffds)
		close(s->uffds[--s->n_uffds]);
}

static void kill_tree(struct session *s, int sig)
{
	for (size_t i = 0; i < s->hello->n_pids; i++)
		kill(s->hello->pids[i], sig);
}

static int restore(struct session *s, const MigMsg *done)
{
	static char lib[PATH_MAX];
	char errs[600];
	int r;
	if (s->mode != WLCR_MODE_LAZY) {
		/* the dump has ended: the page server has all pages and exits */
		if (wait_criu(s, &s->ps, s->r->timeout_ms) < 0)
			return -1;
		if (s->ps.exit_code != 0) {
			wlcr_criu_log_errors(s->dir, "page-server.log", errs, sizeof(errs));
			return fail(s, "criu page-server failed (exit %d): %s", s->ps.exit_code,
				    errs);
		}
		s->bytes = memory_bytes(s);
		/* a pre-copy's rounds left most pages in the parent images,
		 * a copy all in its own: the app runs before they are read
		 * back, each served from here when it first touches it, the
		 * rest in the background (the source asks when it pays) */
		bool asked = done->has_lazy_parent && done->lazy_parent;
		s->lazy_local = asked && ((s->mode == WLCR_MODE_PRECOPY && s->r->lazy_parent_ok) ||
					  (s->mode == WLCR_MODE_COPY && s->r->lazy_ok));
		if (s->lazy_local && start_lazy(s, 0) < 0)
			return -1;
	} else if (!done->has_port || start_lazy(s, done->port) < 0) {
		return s->err[0] ? -1 : fail(s, "lazy pages without a port");
	}
	/* armed first: a receive killed during the restore leaves nothing */
	r = wlcr_guard_arm(&s->guard, s->hello->pids, s->hello->n_pids);
	if (r < 0)
		return fail(s, "cannot arm the guard: %s", strerror(-r));
	struct wlcr_criu rst;
	wlcr_criu_init(&rst, "restore", "restore");
	wlcr_criu_args(&rst, "-D", s->dir, "-d", "--leave-stopped", "--lib",
		       wlcr_criu_plugin_dir(lib, sizeof(lib)), "-v4", "-o", "restore.log",
		       "--file-locks", NULL);
	if (s->mode == WLCR_MODE_LAZY || s->lazy_local)
		wlcr_criu_args(&rst, "--lazy-pages", NULL);
	r = wlcr_criu_spawn(&rst, false, true);
	if (r < 0)
		return fail(s, "cannot run criu restore: %s", strerror(-r));
	r = wait_criu(s, &rst, SOURCE_BOUND_MS);
	wlcr_criu_finish(&rst);
	if (r < 0) {
		wlcr_criu_kill(&rst);
		kill_tree(s, SIGKILL);
		return -1;
	}
	if (rst.exit_code != 0) {
		wlcr_criu_log_errors(s->dir, "restore.log", errs, sizeof(errs));
		/* criu kills what it restored when it fails */
		return fail(s, "criu restore failed (exit %d): %s", rst.exit_code, errs);
	}
	s->restored = true;
	if (s->mode == WLCR_MODE_LAZY || s->lazy_local)
		s->n_uffds = wlcr_criu_hold_uffds(&s->ps, s->uffds, HELD_UFFDS_MAX);
	if (wlcr_chan_send_op(&s->ch, MIG_OP__MIG_RESTORED, NULL) < 0)
		return fail(s, "the source went away after the restore");
	return 0;
}

/* The app's first own frame here, for the source's summary. */
static void shown(struct session *s)
{
	MigMsg m = MIG_MSG__INIT;
	m.op = MIG_OP__MIG_SHOWN;
	m.has_resumed_ns = true;
	m.resumed_ns = s->resumed_ns;
	double deadline = wlcr_now() + SHOWN_WAIT_MS / 1e3;
	while (s->hello->n_proxies && wlcr_now() < deadline) {
		uint64_t first = 0;
		for (size_t i = 0; i < s->hello->n_proxies && !first; i++) {
			uint64_t f, l;
			unsigned found;
			char err[256];
			if (wlcr_mig_proxy_clients(s->hello->proxies[i], s->hello->pids,
						   s->hello->n_pids, &f, &l, &found, NULL, 0, err,
						   sizeof(err)) == 0 &&
			    f >= s->resumed_ns)
				first = f;
		}
		if (first) {
			m.has_first_commit_ns = true;
			m.first_commit_ns = first;
			break;
		}
		/* a frame comes at the app's pace: look again soon */
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	wlcr_chan_send(&s->ch, &m);
}

/* Lazy: criu lazy-pages transfers in the background while the app is still
 * stopped; a small app's pages may all be here before the faults of its
 * first frame would fetch them one by one. Waits up to ms for the daemon
 * to end (all pages in), pushing its corked last command to the source
 * (see wlcr_criu_push). Returns -1 when it failed (the app never ran). */
static int prefetch(struct session *s, unsigned ms)
{
	double deadline = wlcr_now() + ms / 1e3;
	while (wlcr_now() < deadline) {
		wlcr_criu_push(&s->ps, s->ps_port);
		if (wlcr_criu_reap(&s->ps, 3) == 1) {
			if (s->ps.exit_code == 0)
				return 0;
			char errs[600];
			daemon_failure(s, errs, sizeof(errs));
			/* it never ran: the source resumes its copy */
			kill_tree(s, SIGKILL);
			drop_uffds(s);
			return fail(s, "the lazy page transfer failed before the app ran here (%s)",
				    errs);
		}
	}
	return 0;
}

/* After COMMIT: let it run; in lazy mode stay until its memory is here. */
static int run_it(struct session *s, const MigMsg *commit)
{
	if (s->mode == WLCR_MODE_LAZY && commit->has_prefetch_ms && commit->prefetch_ms &&
	    prefetch(s, commit->prefetch_ms) < 0)
		return -1;
	/* before the signal: the app may draw before we look at the clock */
	s->resumed_ns = wlcr_mig_now_ns();
	kill_tree(s, SIGCONT);
	s->running = true;
	wlcr_chan_send_op(&s->ch, MIG_OP__MIG_RUNNING, NULL);
	if (s->mode == WLCR_MODE_LAZY || s->lazy_local) {
		wlcr_progress_phase(&s->prog, s->lazy_local ? "running; pages read back here"
							    : "running; pages follow");
		/* the source's dump (or our images) serves the pages whatever
		 * our channel does: the daemon's end decides; the source
		 * keeps its copy stopped until DONE */
		for (;;) {
			MigMsg *msg = NULL;
			int r = next(s, &s->ps, &msg, SOURCE_BOUND_MS);
			if (r == 1)
				break;
			if (r == 0) {
				mig_msg__free_unpacked(msg, NULL);
			} else if (r != -ETIMEDOUT && s->lazy_local) {
				/* the source is gone (or we are told to stop), but
				 * the pages come from the images here: the daemon
				 * ends without it, and the app runs on here (the
				 * source learns it when it asks, with STATUS) */
				wlcr_criu_reap(&s->ps, -1);
				break;
			} else if (r != -ETIMEDOUT) {
				/* the source is gone (or we are told to stop): the
				 * pages still missing will not come */
				wlcr_criu_abort_network(&s->ps);
				if (wlcr_criu_reap(&s->ps, 10000) == 0)
					wlcr_criu_kill(&s->ps);
			}
		}
		if (s->ps.exit_code != 0) {
			char errs[600];
			daemon_failure(s, errs, sizeof(errs));
			/* killed while its next missing page holds it */
			wlcr_guard_fire(&s->guard);
			drop_uffds(s);
			s->running = false;
			return fail(
				s,
				"the lazy page %s failed (%s): the app here was killed, "
				"its missing memory can only come from the source (which resumes "
				"it if it is still there)",
				s->lazy_local ? "restore from the images here" : "transfer", errs);
		}
	}
	/* all pages are in: nothing is left to fault on */
	drop_uffds(s);
	wlcr_guard_release(&s->guard);
	MigMsg d = MIG_MSG__INIT;
	d.op = MIG_OP__MIG_DONE;
	d.has_bytes = true;
	d.bytes = s->bytes = memory_bytes(s);
	wlcr_chan_send(&s->ch, &d);
	shown(s);
	return 0;
}

/* One migration. Returns 0 when the app runs here. */
static int session_run(struct session *s)
{
	MigMsg *msg = NULL;
	if (welcome(s) < 0)
		return -1;
	wlcr_progress_say(&s->prog, "wlcr receive: %s (pid %d, %zu ids) from %s",
			  s->hello->app ? s->hello->app : "?", s->hello->pids[0], s->hello->n_pids,
			  s->peer);
	for (;;) {
		int r = next(s, s->mode != WLCR_MODE_LAZY && s->ps.pid > 0 ? &s->ps : NULL, &msg,
			     SOURCE_BOUND_MS);
		if (r == 1) {
			/* the page server ended before the images came */
			char errs[600];
			wlcr_criu_log_errors(s->dir, "page-server.log", errs, sizeof(errs));
			if (s->ps.exit_code != 0)
				return fail(s, "criu page-server failed (exit %d): %s",
					    s->ps.exit_code, errs);
			/* a pre-copy round's server is done: the next PREPARE
			 * collects it */
			s->ps.pid = -1;
			continue;
		}
		if (r < 0)
			return fail(s, "%s",
				    r == -ECONNRESET || r == -EPIPE
					    ? "the source closed the connection"
				    : r == -ETIMEDOUT ? "the source stopped answering"
						      : strerror(-r));
		switch (msg->op) {
		case MIG_OP__MIG_PROBE:
			if (msg->has_last && msg->last) {
				MigMsg ack = MIG_MSG__INIT;
				ack.op = MIG_OP__MIG_PROBE_ACK;
				r = wlcr_chan_send(&s->ch, &ack);
			}
			break;
		case MIG_OP__MIG_PREPARE:
			wlcr_progress_phase(&s->prog, msg->has_offset && msg->offset
							      ? "pre-copy round"
							      : "memory and images");
			r = prepare(s, msg);
			break;
		case MIG_OP__MIG_FILE:
			if (!s->dir[0]) {
				r = fail(s, "an image file before PREPARE");
				break;
			}
			r = wlcr_mig_write_file(s->dir, msg->name, msg->offset, msg->data.data,
						msg->data.len, s->err, sizeof(s->err));
			break;
		case MIG_OP__MIG_IMAGES_DONE:
			wlcr_progress_phase(&s->prog, "restoring");
			r = s->dir[0] ? restore(s, msg) : fail(s, "IMAGES_DONE before PREPARE");
			break;
		case MIG_OP__MIG_COMMIT:
			if (!s->restored) {
				r = fail(s, "COMMIT before the restore");
				break;
			}
			r = run_it(s, msg);
			mig_msg__free_unpacked(msg, NULL);
			return r;
		case MIG_OP__MIG_ABORT:
			r = fail(s, "the source gave up: %s",
				 msg->error ? msg->error : "no reason given");
			break;
		default:
			r = fail(s, "unexpected %s", wlcr_chan_op_name(msg->op));
			break;
		}
		mig_msg__free_unpacked(msg, NULL);
		if (r < 0)
			return -1;
	}
}

/* wlcr link-test: PROBEs answered until the peer closes; nothing is kept.
 * The first one is in s->hello already. */
static void link_test(struct session *s)
{
	uint64_t bytes = 0;
	double t0 = wlcr_now();
	MigMsg *msg = s->hello;
	s->hello = NULL;
	int r = 0;
	while (r == 0 && msg->op == MIG_OP__MIG_PROBE) {
		bytes += msg->has_data ? msg->data.len : 0;
		if (msg->has_last && msg->last) {
			MigMsg ack = MIG_MSG__INIT;
			ack.op = MIG_OP__MIG_PROBE_ACK;
			r = wlcr_chan_send(&s->ch, &ack);
		}
		mig_msg__free_unpacked(msg, NULL);
		msg = NULL;
		if (r == 0)
			r = wlcr_chan_recv(&s->ch, &msg, s->r->timeout_ms);
	}
	if (msg)
		mig_msg__free_unpacked(msg, NULL);
	char h[32];
	wlcr_progress_say(&s->prog, "wlcr receive: a link test from %s, %s in %.1f s", s->peer,
			  wlcr_human(h, sizeof(h), (double)bytes), wlcr_now() - t0);
}

/* Whatever failed: nothing of the app stays here. */
static void session_cleanup(struct session *s, bool ok)
{
	/* restored or half restored: the guard kills what started since */
	if (!ok && !s->running)
		wlcr_guard_fire(&s->guard);
	drop_uffds(s);
	if (s->ps.pid > 0) {
		wlcr_criu_abort_network(&s->ps);
		wlcr_criu_kill(&s->ps);
	}
	wlcr_criu_finish(&s->ps);
	/* nothing of the tree is left to kill: killed above, or it runs */
	wlcr_guard_release(&s->guard);
	if (s->base[0] && !s->r->keep)
		wlcr_mig_rmdir(s->base);
	else if (s->base[0])
		wlcr_progress_say(&s->prog, "wlcr receive: kept %s", s->base);
}

/* One connection: a migration, a STATUS question, or a peer refused. */
static int serve(struct recv *r, int fd)
{
	struct session *s = calloc(1, sizeof(*s));
	char err[600];
	if (!s) {
		close(fd);
		return -1;
	}
	s->r = r;
	s->ps.pid = -1;
	s->ps.pidfd = s->ps.status_fd = -1;
	s->guard.fd = -1;
	wlcr_progress_init(&s->prog, stderr, false);
	wlcr_net_addr(fd, 1, s->peer, sizeof(s->peer));
	wlcr_net_addr(fd, 0, s->local, sizeof(s->local));
	int ret = -1;
	/* nothing from the peer is read before it proved its certificate */
	if (wlcr_tls_start(&s->ch, &r->creds, fd, true, r->timeout_ms, err, sizeof(err)) < 0) {
		wlcr_progress_say(&s->prog, "wlcr receive: refused a connection from %s: %s",
				  s->peer, err);
		wlcr_tls_close(&s->ch);
		free(s);
		return 1; /* not a migration */
	}
	if (wlcr_chan_recv(&s->ch, &s->hello, r->timeout_ms) < 0) {
		wlcr_progress_say(&s->prog, "wlcr receive: %s sent nothing", s->peer);
		ret = 1;
	} else if (s->hello->op == MIG_OP__MIG_STATUS) {
		MigMsg o = MIG_MSG__INIT;
		o.op = MIG_OP__MIG_OUTCOME;
		o.has_result = true;
		o.result = outcome_of(r, &s->hello->id);
		wlcr_chan_send(&s->ch, &o);
		ret = 1;
	} else if (s->hello->op == MIG_OP__MIG_PROBE) {
		link_test(s);
		ret = 1;
	} else if (s->hello->op != MIG_OP__MIG_HELLO) {
		wlcr_progress_say(&s->prog, "wlcr receive: %s began with %s", s->peer,
				  wlcr_chan_op_name(s->hello->op));
		ret = 1;
	} else {
		ret = session_run(s) == 0 ? 0 : -1;
		remember(r, s->hello->id.data,
			 ret == 0 ? MIG_RESULT__MIG_RESULT_RUNNING
				  : MIG_RESULT__MIG_RESULT_ABORTED);
		/* the source resumes its copy on this */
		if (ret < 0)
			wlcr_chan_send_op(&s->ch, MIG_OP__MIG_ABORT, s->err);
		session_cleanup(s, ret == 0);
		if (ret == 0)
			wlcr_progress_say(&s->prog, "wlcr receive: %s (pid %d) runs here (%s)",
					  s->hello->app ? s->hello->app : "?", s->hello->pids[0],
					  wlcr_mode_name(s->mode));
		else
			wlcr_progress_say(&s->prog, "wlcr receive: %s; nothing of it runs here",
					  s->err);
	}
	if (s->hello)
		mig_msg__free_unpacked(s->hello, NULL);
	wlcr_tls_close(&s->ch);
	free(s);
	return ret;
}

int wlcr_cmd_receive(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "keys", required_argument, NULL, 'k' },
		{ "once", no_argument, NULL, 'o' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "keep", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct recv *r = calloc(1, sizeof(*r));
	char err[600];
	int c;
	if (!r)
		return 1;
	r->keys = "/etc/wlcr/keys";
	r->port = WLCR_MIG_PORT;
	r->ready_fd = -1;
	r->timeout_ms = 10000;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			r->listen_addr = optarg;
			break;
		case 'p':
			r->port = (unsigned)atoi(optarg);
			break;
		case 'k':
			r->keys = optarg;
			break;
		case 'o':
			r->once = true;
			break;
		case 'r':
			r->ready_fd = atoi(optarg);
			break;
		case 't':
			r->timeout_ms = (int)(atof(optarg) * 1000);
			break;
		case 'K':
			r->keep = true;
			break;
		case 'h':
			fputs(usage, stdout);
			free(r);
			return 0;
		default:
			fputs(usage, stderr);
			free(r);
			return 2;
		}
	}
	if (optind != argc || r->port == 0 || r->port > 65535 || r->timeout_ms < 500) {
		fputs(usage, stderr);
		free(r);
		return 2;
	}
	if (wlcr_tls_creds_load(&r->creds, r->keys, err, sizeof(err)) < 0) {
		fprintf(stderr, "wlcr receive: %s\n", err);
		free(r);
		return 1;
	}
	if (gethostname(r->host, sizeof(r->host)) < 0)
		snprintf(r->host, sizeof(r->host), "this host");
	r->host[sizeof(r->host) - 1] = '\0';
	r->lazy_ok = wlcr_criu_feature("uffd-noncoop");
	r->lazy_parent_ok = r->lazy_ok && wlcr_criu_feature("lazy_parent_pages");
	int lfd = wlcr_net_listen(r->listen_addr, r->port, err, sizeof(err));
	if (lfd < 0) {
		fprintf(stderr, "wlcr receive: %s\n", err);
		wlcr_tls_creds_finish(&r->creds);
		free(r);
		return 1;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr,
		"wlcr receive: listening on %s port %u (lazy pages %s; pre-copy restored %s)\n",
		r->listen_addr ? r->listen_addr : "every address", r->port,
		r->lazy_ok ? "possible" : "not possible: no userfaultfd",
		r->lazy_parent_ok ? "lazily"
				  : "eagerly: criu check --feature lazy_parent_pages fails");
	if (r->ready_fd >= 0) {
		(void)!write(r->ready_fd, "\n", 1);
		close(r->ready_fd);
	}
	int ret = 0;
	while (!stop) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		if (poll(&p, 1, -1) <= 0)
			continue;
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		int s = serve(r, fd);
		if (r->once && s <= 0) {
			ret = s == 0 ? 0 : 1;
			break;
		}
	}
	close(lfd);
	wlcr_tls_creds_finish(&r->creds);
	free(r);
	return ret;
}
