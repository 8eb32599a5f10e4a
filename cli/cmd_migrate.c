/* wlcr migrate PID DEST: the source side of a live migration.
 *
 *   connect, TLS  ->  HELLO / WELCOME  ->  [probe the link, plan]  ->
 *   PREPARE / READY  ->  freeze: criu dump (--leave-stopped), memory through
 *   criu's page server (copy) or served lazily from here (lazy)  ->  image
 *   files over the channel  ->  RESTORED  ->  COMMIT  ->  RUNNING  ->  DONE
 *   ->  the source copy is killed.
 *
 * Until the destination has the app stopped and complete (RESTORED) and we
 * said COMMIT, every failure lets the app run on here: criu dump itself
 * unfreezes it when it fails, and a dump that succeeded left it stopped,
 * so SIGCONT resumes it. After COMMIT the source copy goes only when the
 * destination confirms (DONE, or an OUTCOME asked on a new connection); in
 * lazy mode a page transfer that fails means the destination copy was
 * killed there, and this one resumes. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apptree.h"
#include "chan.h"
#include "cli.h"
#include "criu_run.h"
#include "link.h"
#include "migration.h"
#include "net.h"
#include "planner.h"
#include "progress.h"

static const char usage[] =
	"usage: wlcr migrate [options] PID DEST[:PORT]\n"
	"\n"
	"Moves the process tree of PID to the host DEST, where `wlcr receive` runs, and\n"
	"onto the compositor behind that host's wlcr-proxy at the same path as here.\n"
	"Images and memory go over the network only, under mutual TLS.\n"
	"\n"
	"  --mode MODE     copy: stop, copy the memory, restore there;\n"
	"                  lazy: restore there at once, memory follows on demand\n"
	"                  (post-copy; the app here stays frozen until all of it is\n"
	"                  there: if this host dies meanwhile the app is lost);\n"
	"                  precopy: copy while it runs, in rounds, then stop and copy\n"
	"                  what it wrote meanwhile (needs criu check --feature\n"
	"                  mem_dirty_track);\n"
	"                  auto (default): the allowed mode predicted to freeze it\n"
	"                  least (pre-copy: with its rounds' freezes), from its\n"
	"                  memory, what it touches, the link and both hosts' CRIU\n"
	"  --no-lazy       auto never picks lazy\n"
	"  --rounds RULE   pre-copy rounds: planner (default: while rounds pay for\n"
	"                  their freezes, by the app's fitted working set) or\n"
	"                  gophaul (at most 8; stop under 64 written pages or when\n"
	"                  they grow by 32)\n"
	"  --keys DIR      credentials from wlcr keygen (default /etc/wlcr/keys)\n"
	"  --timeout S     a silent peer is a failure after S seconds (default 10)\n"
	"  --plan          measure and plan, print the plan, move nothing\n"
	"  --stats FILE    write the figures of the summary to FILE (key=value)\n"
	"  --keep          keep the local image directory\n"
	"  -q, --quiet     no progress, only the summary\n"
	"\n"
	"Until the destination says the app runs there, any failure leaves it running\n"
	"here, its window intact. See wlcr-migrate(1).\n";

struct mig {
	/* options */
	pid_t pid;
	char host[256];
	unsigned port;
	int timeout_ms;
	int mode; /* 0: auto */
	bool no_lazy, plan_only, keep;
	const char *keys, *stats;

	struct wlcr_apptree tree;
	struct wlcr_tls_creds creds;
	struct wlcr_tls ch;
	bool connected;
	uint8_t id[16];
	char local_addr[64];
	unsigned dest_modes;
	char dest_name[256];
	char dir[PATH_MAX];    /* the work directory */
	char imgdir[PATH_MAX]; /* the final dump's images: dir, or a round's under it */
	struct wlcr_criu dump;
	/* pre-copy */
	enum wlcr_round_rule rule;
	unsigned rounds;
	bool predumped; /* a tracking chain runs in the app: end it if we give up */
	struct wlcr_wss wss;
	struct wlcr_rounds rr;	  /* what the rounds found */
	double precopy_predicted; /* s: the final dump's freeze, at the last round */
	enum wlcr_mode abandoned; /* auto gave a chain up for this mode, or NONE */
	bool lazy_restore;	  /* the destination restores pre-copied pages lazily */
	bool copy_lazy;		  /* copy: the destination restores from its images lazily */
	bool keep_trackers;	  /* criu dump --track-mem-keep exists here */
	unsigned criu_port;
	struct wlcr_progress prog;
	struct wlcr_plan_in plan_in; /* what the plan was made from */
	struct wlcr_plan plan;
	double plan_frozen; /* s: the plan's prediction for the mode taken (auto) */
	double bandwidth, rtt;
	uint64_t probe_bytes, touched;
	uint64_t predump_bytes; /* pre-copy: what the rounds sent */

	/* what happened */
	bool frozen; /* criu dump started: the app may be frozen */
	bool committed;
	double t_start, t_freeze, t_running, t_done;
	uint64_t src_last_commit_ns, dest_first_commit_ns, dest_resumed_ns;
	uint64_t image_bytes, memory_bytes;
	char err[1024];
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int fail(struct mig *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct mig *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->err, sizeof(m->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* A message from the destination within the timeout; PROGRESS messages on
 * the way update the progress. Also watches criu (when cr is not NULL):
 * returns 1 when it exited, 2 when it became ready. */
static int next(struct mig *m, struct wlcr_criu *cr, MigMsg **msg, int timeout_ms)
{
	double deadline = wlcr_now() + timeout_ms / 1e3;
	*msg = NULL;
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = m->ch.fd, .events = POLLIN },
			{ .fd = cr ? cr->pidfd : -1, .events = POLLIN },
			{ .fd = cr ? cr->status_fd : -1, .events = POLLIN },
		};
		if (interrupted)
			return -EINTR;
		double left = deadline - wlcr_now();
		if (left <= 0)
			return -ETIMEDOUT;
		/* criu is watched closely: it corks the last command of its
		 * page-server connection (see wlcr_criu_push), or its answer
		 * to the lazy-pages daemon's last one: 200 ms of frozen time
		 * in a final dump, of a round's length in a pre-dump, of the
		 * wait for a small app's pages in lazy mode */
		bool pushed = cr != NULL;
		int tick = pushed ? 3 : 200;
		int n = wlcr_tls_pending(&m->ch) ? 1 : poll(p, 3, (int)fmin(left * 1e3, tick) + 1);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (pushed)
			wlcr_criu_push(cr, m->criu_port);
		if (cr && m->criu_port && cr->pid > 0) {
			uint64_t sent = 0, received = 0;
			if (wlcr_net_port_bytes(m->criu_port, &sent, &received) == 0 && sent)
				wlcr_progress_bytes(&m->prog, sent);
		}
		if (n <= 0)
			continue;
		if (cr && p[2].revents)
			return wlcr_criu_wait_ready(cr, 0) == 0 ? 2 : 1;
		if (cr && p[1].revents && wlcr_criu_reap(cr, 0) == 1)
			return 1;
		if (wlcr_tls_pending(&m->ch) || p[0].revents) {
			int r = wlcr_chan_recv(&m->ch, msg, m->timeout_ms);
			if (r < 0)
				return r;
			if ((*msg)->op == MIG_OP__MIG_PROGRESS) {
				if ((*msg)->has_bytes)
					wlcr_progress_bytes(&m->prog, (*msg)->bytes);
				mig_msg__free_unpacked(*msg, NULL);
				*msg = NULL;
				/* the peer is alive: the wait starts again */
				deadline = wlcr_now() + timeout_ms / 1e3;
				continue;
			}
			return 0;
		}
	}
}

static const char *chan_error(int r)
{
	return wlcr_chan_strerror(r, "the destination");
}

/* Waits for a message of op; an ABORT or anything else is a failure. */
static int expect(struct mig *m, MigOp op, MigMsg **ret, int timeout_ms)
{
	MigMsg *msg;
	int r = next(m, NULL, &msg, timeout_ms);
	if (r < 0)
		return fail(m, "waiting for %s: %s", wlcr_chan_op_name(op), chan_error(r));
	if (msg->op == MIG_OP__MIG_ABORT || msg->op != op) {
		fail(m, "the destination %s: %s",
		     msg->op == MIG_OP__MIG_ABORT ? "gave up" : "answered out of turn",
		     msg->error ? msg->error : wlcr_chan_op_name(msg->op));
		mig_msg__free_unpacked(msg, NULL);
		return -1;
	}
	if (ret)
		*ret = msg;
	else
		mig_msg__free_unpacked(msg, NULL);
	return 0;
}

static int connect_dest(struct mig *m)
{
	char err[512];
	int fd = wlcr_net_connect(m->host, m->port, m->timeout_ms, err, sizeof(err));
	if (fd < 0)
		return fail(m, "%s (is wlcr receive running there?)", err);
	int r = wlcr_tls_start(&m->ch, &m->creds, fd, false, m->timeout_ms, err, sizeof(err));
	if (r < 0) {
		wlcr_tls_close(&m->ch);
		return fail(m, "%s:%u: %s", m->host, m->port, err);
	}
	m->connected = true;
	wlcr_net_addr(m->ch.fd, 0, m->local_addr, sizeof(m->local_addr));
	return 0;
}

static int hello(struct mig *m)
{
	MigMsg h = MIG_MSG__INIT, *w = NULL;
	char *proxies[WLCR_APPTREE_MAX_PROXIES];
	int32_t *ids = calloc(m->tree.nids + 1, sizeof(*ids));
	if (!ids)
		return fail(m, "out of memory");
	for (size_t i = 0; i < m->tree.nids; i++)
		ids[i] = m->tree.ids[i];
	for (size_t i = 0; i < m->tree.nproxies; i++)
		proxies[i] = m->tree.proxies[i];
	h.op = MIG_OP__MIG_HELLO;
	h.has_version = true;
	h.version = WLCR_MIG_VERSION;
	h.has_id = true;
	h.id.data = m->id;
	h.id.len = sizeof(m->id);
	h.n_pids = m->tree.nids;
	h.pids = ids;
	h.n_proxies = m->tree.nproxies;
	h.proxies = proxies;
	h.has_memory = true;
	h.memory = m->tree.memory;
	h.app = m->tree.comm;
	int r = wlcr_chan_send(&m->ch, &h);
	free(ids);
	if (r < 0)
		return fail(m, "sending HELLO: %s", chan_error(r));
	r = next(m, NULL, &w, m->timeout_ms);
	if (r < 0)
		return fail(m, "waiting for the destination's answer: %s", chan_error(r));
	if (w->op != MIG_OP__MIG_WELCOME || w->error) {
		fail(m, "%s refused the migration: %s", m->host,
		     w->error ? w->error : "it did not answer HELLO");
		mig_msg__free_unpacked(w, NULL);
		return -1;
	}
	if (!w->has_version || w->version != WLCR_MIG_VERSION) {
		fail(m, "%s speaks migration protocol %u, this wlcr %u: use the same release",
		     m->host, w->has_version ? w->version : 0, WLCR_MIG_VERSION);
		mig_msg__free_unpacked(w, NULL);
		return -1;
	}
	m->dest_modes = w->has_modes ? w->modes : WLCR_MODE_BIT(WLCR_MODE_COPY);
	/* both CRIUs must know: ours marks the pages left in the parent
	 * images lazy, the destination's restores them so */
	m->lazy_restore =
		w->has_lazy_parent && w->lazy_parent && wlcr_criu_feature("lazy_parent_pages");
	snprintf(m->dest_name, sizeof(m->dest_name), "%s", w->host ? w->host : m->host);
	mig_msg__free_unpacked(w, NULL);
	return 0;
}

/* The link's bandwidth through the channel itself: TLS like CRIU's page
 * transfer, over the same route. 8 MiB or 300 ms, whichever comes first. */
static int probe(struct mig *m)
{
	MigMsg p = MIG_MSG__INIT, *ack = NULL;
	p.op = MIG_OP__MIG_PROBE;
	p.has_last = true;
	/* a round trip first: the rate below must not count it */
	p.last = true;
	double t0 = wlcr_now();
	if (wlcr_chan_send(&m->ch, &p) < 0 ||
	    expect(m, MIG_OP__MIG_PROBE_ACK, NULL, m->timeout_ms) < 0)
		return fail(m, "measuring the link: %s", m->err[0] ? m->err : "send failed");
	m->rtt = wlcr_now() - t0;
	uint64_t out0 = m->ch.bytes_out;
	t0 = wlcr_now();
	int r = wlcr_link_push(&m->ch, 32 * WLCR_LINK_PIECE, 0.3, NULL);
	if (r < 0)
		return fail(m, "measuring the link: %s", chan_error(r));
	if (expect(m, MIG_OP__MIG_PROBE_ACK, &ack, m->timeout_ms) < 0)
		return -1;
	mig_msg__free_unpacked(ack, NULL);
	double dt = wlcr_now() - t0 - m->rtt;
	m->probe_bytes = m->ch.bytes_out - out0;
	m->bandwidth = (double)m->probe_bytes / (dt > 1e-4 ? dt : 1e-4);
	return 0;
}

#ifndef WLCR_COPY_LAZY_MIN
#define WLCR_COPY_LAZY_MIN (64ull << 20)
#endif

static void plan(struct mig *m)
{
	static char no_precopy[400], no_lazy[400];
	struct wlcr_plan_in in = {
		.memory = m->tree.memory,
		.touched = m->touched,
		.bandwidth = m->bandwidth,
		.rtt = m->rtt,
		.allowed = WLCR_MODES_ALL,
		.possible = WLCR_MODE_BIT(WLCR_MODE_COPY),
		.lazy_restore = m->lazy_restore,
	};
	if (m->no_lazy)
		in.allowed &= ~WLCR_MODE_BIT(WLCR_MODE_LAZY);
	if (m->mode)
		in.allowed = WLCR_MODE_BIT(m->mode);
	if (!(m->dest_modes & WLCR_MODE_BIT(WLCR_MODE_LAZY)))
		snprintf(no_lazy, sizeof(no_lazy), "%s has no userfaultfd for lazy pages",
			 m->dest_name);
	else if (!wlcr_criu_feature("uffd-noncoop"))
		snprintf(no_lazy, sizeof(no_lazy),
			 "criu check --feature uffd-noncoop fails here (no userfaultfd)");
	else
		in.possible |= WLCR_MODE_BIT(WLCR_MODE_LAZY);
	/* pre-copy rounds run here: only this host's CRIU must track writes */
	if (!wlcr_criu_feature("mem_dirty_track"))
		snprintf(no_precopy, sizeof(no_precopy),
			 "criu check --feature mem_dirty_track fails here: this kernel has no "
			 "soft-dirty and this CRIU cannot track writes without it");
	else
		in.possible |= WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	if (in.possible & WLCR_MODE_BIT(WLCR_MODE_PRECOPY))
		m->keep_trackers = wlcr_criu_option("--track-mem-keep");
	in.why_not[WLCR_MODE_LAZY] = no_lazy;
	in.why_not[WLCR_MODE_PRECOPY] = no_precopy;
	wlcr_plan(&in, &m->plan);
	m->plan_in = in;
}

static int prepare(struct mig *m, unsigned *ret_port)
{
	MigMsg p = MIG_MSG__INIT, *ready = NULL;
	p.op = MIG_OP__MIG_PREPARE;
	p.has_mode = true;
	p.mode = (MigMode)m->mode;
	if (wlcr_chan_send(&m->ch, &p) < 0)
		return fail(m, "the destination went away before the dump");
	if (expect(m, MIG_OP__MIG_READY, &ready, 3 * m->timeout_ms) < 0)
		return -1;
	*ret_port = ready->has_port ? ready->port : 0;
	mig_msg__free_unpacked(ready, NULL);
	return 0;
}

/* Ends the tracking chain the pre-dumps started in the app: the trackers
 * would otherwise stay in it (write faults after each of its writes). */
static void end_tracking(struct mig *m)
{
	static char pidarg[16];
	struct wlcr_criu cr;
	if (!m->predumped)
		return;
	snprintf(pidarg, sizeof(pidarg), "%d", m->pid);
	wlcr_criu_init(&cr, "track-mem-stop", "track-mem-stop");
	wlcr_criu_args(&cr, "-t", pidarg, "-D", m->dir, "-v2", "-o", "track-mem-stop.log", NULL);
	if (wlcr_criu_spawn(&cr, false, false) == 0)
		wlcr_criu_reap(&cr, -1);
	wlcr_criu_finish(&cr);
	if (cr.exit_code != 0)
		wlcr_progress_say(
			&m->prog,
			"wlcr migrate: criu track-mem-stop -t %d failed (exit %d): the app "
			"may keep its write trackers",
			m->pid, cr.exit_code);
	m->predumped = false;
}

/* A round's directory under the work directory: ROUND, beside the round
 * before (criu's --prev-images-dir ../ROUND-1, relative to -D; criu links
 * it as "parent"). */
static int round_dir(struct mig *m, unsigned round, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/%u", m->dir, round);
	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Pre-dump rounds while the app runs, each round's memory through a page
 * server of its own on the destination, until the rule says the final
 * dump; its port in *ret_port, its directory in m->imgdir. Returns 1 when
 * the planner gave the chain up for another mode (m->abandoned): the
 * trackers are gone, and the destination is told to start again. */
static int precopy_rounds(struct mig *m, unsigned *ret_port)
{
	static char pidarg[16], portarg[16], lib[PATH_MAX];
	static char prevarg[16];
	struct wlcr_rounds *rr = &m->rr;
	struct wlcr_plan_in in = m->plan_in;
	double t_last = 0;
	uint64_t sent = 0;
	/* the rounds' working set replaces the bound from what it touches */
	in.wss = &m->wss;
	snprintf(pidarg, sizeof(pidarg), "%d", m->pid);
	for (unsigned round = 0;; round++) {
		MigMsg p = MIG_MSG__INIT, *ready = NULL;
		p.op = MIG_OP__MIG_PREPARE;
		p.has_mode = true;
		p.mode = MIG_MODE__MIG_MODE_PRECOPY;
		p.has_offset = true;
		p.offset = round;
		if (wlcr_chan_send(&m->ch, &p) < 0)
			return fail(m, "the destination went away before round %u", round);
		if (expect(m, MIG_OP__MIG_READY, &ready, 3 * m->timeout_ms) < 0)
			return -1;
		unsigned port = ready->has_port ? ready->port : 0;
		if (round > 0) {
			/* the destination's count of the round before */
			uint64_t b = ready->has_bytes ? ready->bytes : 0;
			rr->written[round - 1] = (double)b / 4096;
			sent += b;
		}
		mig_msg__free_unpacked(ready, NULL);
		rr->n = round;
		rr->since_last = wlcr_now() - t_last;
		struct wlcr_round_decision dec;
		wlcr_plan_next_round(&in, &m->wss, rr, m->rule, &dec);
		if (round > 0)
			wlcr_progress_say(&m->prog, "round %u: %.0f pages%s; %s%s", round - 1,
					  rr->written[round - 1],
					  round > 1 ? " written meanwhile" : "", dec.why,
					  dec.action == WLCR_ROUND_MORE ? ""
					  : dec.action == WLCR_ROUND_FINAL
						  ? "; now the final dump"
						  : "; giving the chain up");
		if (dec.action == WLCR_ROUND_ABANDON) {
			/* what the rounds sent is lost; the app keeps running */
			end_tracking(m);
			m->abandoned = dec.instead;
			m->rounds = round;
			m->predump_bytes = sent;
			return 1;
		}
		int r = round_dir(m, round, m->imgdir, sizeof(m->imgdir));
		if (r < 0)
			return fail(m, "cannot make a round's directory: %s", strerror(-r));
		if (dec.action == WLCR_ROUND_FINAL) {
			*ret_port = port;
			m->rounds = round;
			m->precopy_predicted = dec.frozen;
			m->predump_bytes = sent;
			return 0;
		}
		char phase[48];
		snprintf(phase, sizeof(phase), "pre-copy round %u", round);
		wlcr_progress_phase(&m->prog, phase);
		struct wlcr_criu cr;
		snprintf(portarg, sizeof(portarg), "%u", port);
		m->criu_port = port;
		wlcr_criu_init(&cr, "pre-dump", "pre-dump");
		wlcr_criu_args(&cr, "-t", pidarg, "-D", m->imgdir, "--track-mem", "--page-server",
			       "--address", m->host, "--port", portarg, "--lib",
			       wlcr_criu_plugin_dir(lib, sizeof(lib)), "-v4", "-o", "pre-dump.log",
			       NULL);
		snprintf(prevarg, sizeof(prevarg), "../%u", round ? round - 1 : 0);
		if (round > 0)
			wlcr_criu_args(&cr, "--prev-images-dir", prevarg, NULL);
		wlcr_criu_tls(&cr, m->creds.ca, m->creds.cert, m->creds.key);
		double t0 = wlcr_now();
		r = wlcr_criu_spawn(&cr, false, false);
		if (r < 0)
			return fail(m, "cannot run criu: %s", strerror(-r));
		m->predumped = true;
		for (;;) {
			MigMsg *msg = NULL;
			r = next(m, &cr, &msg, m->timeout_ms);
			if (r == 1)
				break;
			if (r == 0) {
				fail(m, "the destination %s during round %u: %s",
				     msg->op == MIG_OP__MIG_ABORT ? "gave up"
								  : "answered out of turn",
				     round, msg->error ? msg->error : wlcr_chan_op_name(msg->op));
				mig_msg__free_unpacked(msg, NULL);
			} else {
				fail(m, "during round %u: %s", round, chan_error(r));
			}
			wlcr_criu_abort_network(&cr);
			wlcr_criu_reap(&cr, -1);
			wlcr_criu_finish(&cr);
			return -1;
		}
		wlcr_criu_finish(&cr);
		if (cr.exit_code != 0) {
			char errs[600];
			wlcr_criu_log_errors(m->imgdir, "pre-dump.log", errs, sizeof(errs));
			return fail(m, "criu pre-dump failed (exit %d): %s", cr.exit_code, errs);
		}
		if (round > 0)
			rr->interval[round] = t0 - t_last;
		t_last = t0;
	}
}

/* criu dump, leaving the tree stopped: its memory to the destination's
 * page server (copy) or served from here once the images are written
 * (lazy: the status fd says when). */
static int start_dump(struct mig *m, unsigned page_port)
{
	static char pidarg[16], portarg[16], lib[PATH_MAX];
	struct wlcr_criu *cr = &m->dump;
	snprintf(pidarg, sizeof(pidarg), "%d", m->pid);
	wlcr_criu_init(cr, "dump", "dump");
	wlcr_criu_args(cr, "-t", pidarg, "-D", m->imgdir, "--leave-stopped", "--lib",
		       wlcr_criu_plugin_dir(lib, sizeof(lib)), "-v4", "-o", "dump.log",
		       "--file-locks", NULL);
	if (m->mode == WLCR_MODE_PRECOPY) {
		/* the pages the rounds sent are the parent's */
		static char prev[16];
		snprintf(prev, sizeof(prev), "../%u", m->rounds - 1);
		wlcr_criu_args(cr, "--prev-images-dir", prev, "--track-mem", NULL);
		/* The trackers end: closing them unprotects all the app's
		 * memory, 27 ms of an 800 MiB app's freeze. Where criu can
		 * leave them in the stopped app, they go when it is killed
		 * after the move, or end_tracking() ends them when it runs
		 * here again (as after a dump that failed half-way). */
		if (m->keep_trackers)
			wlcr_criu_args(cr, "--track-mem-keep", NULL);
	}
	if (m->mode == WLCR_MODE_LAZY) {
		int port = wlcr_net_free_port(m->local_addr);
		if (port < 0)
			return fail(m, "no free TCP port on %s: %s", m->local_addr,
				    strerror(-port));
		snprintf(portarg, sizeof(portarg), "%d", port);
		m->criu_port = (unsigned)port;
		wlcr_criu_args(cr, "--lazy-pages", "--address", m->local_addr, "--port", portarg,
			       NULL);
	} else {
		snprintf(portarg, sizeof(portarg), "%u", page_port);
		m->criu_port = page_port;
		wlcr_criu_args(cr, "--page-server", "--address", m->host, "--port", portarg, NULL);
	}
	wlcr_criu_tls(cr, m->creds.ca, m->creds.cert, m->creds.key);
	m->t_freeze = wlcr_now();
	int r = wlcr_criu_spawn(cr, m->mode == WLCR_MODE_LAZY, false);
	if (r < 0)
		return fail(m, "cannot run criu: %s", strerror(-r));
	m->frozen = true;
	return 0;
}

/* Until criu dump has written the images: exit 0 (copy) or ready (lazy). */
static int wait_dump(struct mig *m)
{
	char errs[600];
	for (;;) {
		MigMsg *msg = NULL;
		/* the dump itself is bounded by criu; the peer by its heartbeats */
		int r = next(m, &m->dump, &msg, m->timeout_ms);
		if (r == 1) {
			if (m->dump.exit_code == 0 && m->mode != WLCR_MODE_LAZY)
				return 0;
			wlcr_criu_log_errors(m->imgdir, "dump.log", errs, sizeof(errs));
			return fail(m, "criu dump failed (exit %d): %s", m->dump.exit_code, errs);
		}
		if (r == 2)
			return 0;
		if (r == 0) {
			bool abort = msg->op == MIG_OP__MIG_ABORT;
			fail(m, "the destination %s during the dump: %s",
			     abort ? "gave up" : "answered out of turn",
			     msg->error ? msg->error : wlcr_chan_op_name(msg->op));
			mig_msg__free_unpacked(msg, NULL);
			return -1;
		}
		/* the destination sends PROGRESS at least twice a second */
		return fail(m, "during the dump: %s", chan_error(r));
	}
}

/* The app's last frame before the freeze, from the proxies here. */
static void source_commits(struct mig *m)
{
	for (size_t i = 0; i < m->tree.nproxies; i++) {
		uint64_t first, last;
		unsigned found;
		char err[256];
		if (wlcr_mig_proxy_clients(m->tree.proxies[i], m->tree.procs, m->tree.nprocs,
					   &first, &last, &found, NULL, 0, err, sizeof(err)) == 0 &&
		    last > m->src_last_commit_ns)
			m->src_last_commit_ns = last;
	}
}

/* A copy's pages are all on the destination once the dump ends; reading
 * them back into the app's memory before it runs is the rest of its freeze
 * (800 MiB: 0.4 to 1.1 s here, most of it the kernel handing out fresh
 * pages). A local criu lazy-pages serves them from the images there
 * instead, each page the app touches first at once and the rest in the
 * background, as for a pre-copy's rounds; the source keeps its stopped
 * copy until they are all in. Below WLCR_COPY_LAZY_MIN the daemon's start
 * costs more than the reading it saves. */
static bool copy_restores_lazily(const struct mig *m)
{
	return (m->dest_modes & WLCR_MODE_BIT(WLCR_MODE_LAZY)) &&
	       m->tree.memory >= WLCR_COPY_LAZY_MIN;
}

static int send_images(struct mig *m)
{
	wlcr_progress_phase(&m->prog, "sending images");
	int r = wlcr_mig_send_dir(&m->ch, m->imgdir, &m->image_bytes);
	if (r < 0)
		return fail(m, "sending the images: %s", chan_error(r));
	MigMsg d = MIG_MSG__INIT;
	d.op = MIG_OP__MIG_IMAGES_DONE;
	if (m->mode == WLCR_MODE_LAZY) {
		d.has_port = true;
		d.port = m->criu_port;
	}
	if (m->mode == WLCR_MODE_PRECOPY) {
		d.has_lazy_parent = true;
		d.lazy_parent = m->lazy_restore;
	}
	if (m->mode == WLCR_MODE_COPY) {
		d.has_lazy_parent = true;
		d.lazy_parent = m->copy_lazy = copy_restores_lazily(m);
	}
	r = wlcr_chan_send(&m->ch, &d);
	return r < 0 ? fail(m, "sending the images: %s", chan_error(r)) : 0;
}

/* After a failure before COMMIT: criu dump must give up (a dead link would
 * keep it waiting), and a tree it left stopped runs again. */
static void resume_source(struct mig *m)
{
	if (!m->frozen)
		return;
	if (m->dump.pid > 0) {
		wlcr_criu_abort_network(&m->dump);
		/* criu cures the tasks and lets them go when it fails */
		if (wlcr_criu_reap(&m->dump, 30000) == 0) {
			wlcr_criu_abort_network(&m->dump);
			wlcr_criu_reap(&m->dump, -1);
		}
	}
	wlcr_apptree_signal(&m->tree, SIGCONT);
	m->frozen = false;
}

/* What became of the migration, asked on a new connection after the
 * first broke after COMMIT. */
static MigResult ask_outcome(struct mig *m)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		if (attempt)
			sleep(2);
		struct mig probe_conn = *m;
		probe_conn.connected = false;
		if (connect_dest(&probe_conn) < 0)
			continue;
		MigMsg s = MIG_MSG__INIT, *o = NULL;
		s.op = MIG_OP__MIG_STATUS;
		s.has_id = true;
		s.id.data = m->id;
		s.id.len = sizeof(m->id);
		MigResult res = MIG_RESULT__MIG_RESULT_UNKNOWN;
		if (wlcr_chan_send(&probe_conn.ch, &s) == 0 &&
		    wlcr_chan_recv(&probe_conn.ch, &o, m->timeout_ms) == 0) {
			if (o->op == MIG_OP__MIG_OUTCOME && o->has_result)
				res = o->result;
			mig_msg__free_unpacked(o, NULL);
		}
		wlcr_tls_close(&probe_conn.ch);
		if (res != MIG_RESULT__MIG_RESULT_UNKNOWN)
			return res;
	}
	return MIG_RESULT__MIG_RESULT_UNKNOWN;
}

/* From COMMIT on. Returns 0 when the app runs there with all its memory,
 * -1 when it runs here again, -2 when nobody can tell (the source copy is
 * then kept stopped). */
static int finish(struct mig *m)
{
	MigMsg c = MIG_MSG__INIT, *msg = NULL;
	c.op = MIG_OP__MIG_COMMIT;
	if (m->mode == WLCR_MODE_LAZY) {
		c.has_prefetch_ms = true;
		c.prefetch_ms = (uint32_t)(wlcr_plan_lazy_prefetch(&m->plan_in) * 1e3);
	}
	m->committed = true;
	int r = wlcr_chan_send(&m->ch, &c);
	bool running = false, done = false;
	const char *lost = NULL;
	if (r == 0)
		wlcr_progress_phase(&m->prog, m->mode == WLCR_MODE_LAZY
						      ? "running there; pages follow"
						      : "starting there");
	while (r == 0 && !done) {
		struct wlcr_criu *cr =
			m->mode == WLCR_MODE_LAZY && m->dump.pid > 0 ? &m->dump : NULL;
		r = next(m, cr, &msg, m->timeout_ms);
		if (r == 1) {
			/* criu dump ended: all pages served, or the transfer broke */
			if (m->dump.exit_code != 0) {
				lost = "the page transfer failed";
				break;
			}
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		if (msg->op == MIG_OP__MIG_RUNNING) {
			running = true;
			m->t_running = wlcr_now();
		} else if (msg->op == MIG_OP__MIG_DONE) {
			done = true;
			/* what the destination counted, else what we saw leave */
			m->memory_bytes = msg->has_bytes ? msg->bytes : m->prog.bytes;
		} else if (msg->op == MIG_OP__MIG_ABORT) {
			fail(m, "the destination gave up after the commit: %s",
			     msg->error ? msg->error : "no reason given");
			mig_msg__free_unpacked(msg, NULL);
			return -1;
		}
		mig_msg__free_unpacked(msg, NULL);
	}
	if (done) {
		m->t_done = wlcr_now();
		return 0;
	}
	if (lost) {
		/* lazy: the destination cannot have all the memory; its copy
		 * is killed there when its lazy-pages daemon fails */
		char errs[600];
		wlcr_criu_log_errors(m->imgdir, "dump.log", errs, sizeof(errs));
		fail(m,
		     "%s after the app started on %s (%s): the copy there is killed and what "
		     "it did meanwhile is lost",
		     lost, m->dest_name, errs);
		return -1;
	}
	const char *why = chan_error(r);
	if (m->mode == WLCR_MODE_LAZY) {
		/* the pages still under way cannot arrive without the
		 * destination: the transfer is over, and it decides */
		if (m->dump.pid > 0) {
			wlcr_criu_abort_network(&m->dump);
			wlcr_criu_reap(&m->dump, 30000);
		}
		if (m->dump.exit_code != 0) {
			fail(m,
			     "%s while the pages were under way: the copy on %s is killed there "
			     "and what it did meanwhile is lost",
			     why, m->dest_name);
			return -1;
		}
	}
	wlcr_progress_say(&m->prog,
			  "wlcr migrate: lost the destination after the commit (%s); asking it "
			  "what became of the app",
			  why);
	MigResult res = ask_outcome(m);
	if (res == MIG_RESULT__MIG_RESULT_RUNNING) {
		m->t_done = wlcr_now();
		if (!running)
			m->t_running = m->t_done;
		return 0;
	}
	/* lazy: the destination keeps its copy only once all pages are there,
	 * and says DONE then; without that word it dropped it (its guard
	 * kills the copy if wlcr receive died first). criu dump's own exit
	 * cannot tell: its page server takes a daemon that went away for the
	 * end of the transfer. */
	if (res == MIG_RESULT__MIG_RESULT_ABORTED ||
	    (res == MIG_RESULT__MIG_RESULT_UNKNOWN && m->mode == WLCR_MODE_LAZY)) {
		fail(m,
		     "%s after the commit, before all pages were there: the destination dropped "
		     "its copy",
		     why);
		return -1;
	}
	fail(m,
	     "%s after the commit, and %s cannot be reached to ask whether the app runs "
	     "there: it is kept stopped here (pid %d). If it does not run on %s, resume it "
	     "with kill -CONT%s; otherwise kill it",
	     why, m->dest_name, m->pid, m->dest_name,
	     m->predumped ? " (and end its write trackers with criu track-mem-stop -t PID)" : "");
	return -2;
}

static void summary(struct mig *m)
{
	char a[32], b[32], c[32];
	double stopped = m->t_running - m->t_freeze;
	double seen = -1;
	/* the app's last frame here to its first there, each on its own
	 * host's clock, joined at the moment it was let run there (here:
	 * when RUNNING came, half a round trip late) */
	if (m->src_last_commit_ns && m->dest_first_commit_ns && m->dest_resumed_ns &&
	    m->dest_first_commit_ns >= m->dest_resumed_ns)
		seen = m->t_running - (double)m->src_last_commit_ns / 1e9 +
		       (double)(m->dest_first_commit_ns - m->dest_resumed_ns) / 1e9;
	uint64_t total_bytes = m->ch.bytes_out + m->ch.bytes_in + m->memory_bytes;
	wlcr_progress_end(&m->prog);
	printf("wlcr migrate: %s (pid %d) runs on %s now, mode %s\n", m->tree.comm, m->pid,
	       m->dest_name, wlcr_mode_name(m->mode));
	if (seen >= 0)
		printf("  frozen: %.0f ms as seen (its last frame here to its first there); "
		       "from the dump's start to the resume %.0f ms\n",
		       seen * 1e3, stopped * 1e3);
	else
		printf("  frozen: stopped %.0f ms (no frame of the app %s to time it as seen)\n",
		       stopped * 1e3,
		       m->src_last_commit_ns ? "there within 3 s of its resume" : "here");
	char d[32];
	printf("  total: %.2f s; bytes on the wire: %s (memory %s, images %s, link probe %s)\n",
	       m->t_done - m->t_start, wlcr_human(a, sizeof(a), (double)total_bytes),
	       wlcr_human(b, sizeof(b), (double)m->memory_bytes),
	       wlcr_human(c, sizeof(c), (double)m->image_bytes),
	       wlcr_human(d, sizeof(d), (double)m->probe_bytes));
	struct wlcr_plan_est *e = &m->plan.est[m->mode];
	double predicted = e->possible ? e->frozen : NAN;
	if (m->abandoned)
		printf("  pre-copy: %u round%s, then given up for %s (%.1f MiB sent for nothing)\n",
		       m->rounds, m->rounds == 1 ? "" : "s", wlcr_mode_name(m->abandoned),
		       (double)m->predump_bytes / 1048576);
	if (m->mode == WLCR_MODE_COPY)
		printf("  restore: %s\n", m->copy_lazy ? "lazy, from the images there"
						       : "eager, all pages before it runs");
	if (m->mode == WLCR_MODE_PRECOPY) {
		/* predicted at the last round, from the fitted working set */
		predicted = m->precopy_predicted;
		printf("  pre-copy: %u round%s before the final dump (rule %s), restore %s\n",
		       m->rounds, m->rounds == 1 ? "" : "s",
		       m->rule == WLCR_RULE_GOPHAUL ? "gophaul" : "planner",
		       m->lazy_restore ? "lazy" : "eager");
		if (m->wss.fitted && m->wss.d < 1e5)
			printf("  working set: M(t) = %.0f t/(t + %.3f) pages\n", m->wss.a,
			       m->wss.d);
	}
	if (!isnan(predicted)) {
		/* the measured figure beside what was predicted */
		printf("  predicted: frozen %.0f ms", predicted * 1e3);
		if (m->plan_frozen > 0 && fabs(m->plan_frozen - predicted) > 5e-4)
			printf(" (%.0f ms in the plan before any round)", m->plan_frozen * 1e3);
		if (seen >= 0)
			printf("; measured %.0f ms as seen, %.0f ms stopped", seen * 1e3,
			       stopped * 1e3);
		printf("\n");
	}
	if (!m->stats)
		return;
	FILE *f = fopen(m->stats, "we");
	if (!f)
		return;
	fprintf(f, "mode=%s\nfrozen_seen_ms=%.1f\nstopped_ms=%.1f\ntotal_s=%.3f\n",
		wlcr_mode_name(m->mode), seen >= 0 ? seen * 1e3 : -1, stopped * 1e3,
		m->t_done - m->t_start);
	fprintf(f, "bytes=%llu\nmemory_bytes=%llu\nimage_bytes=%llu\napp_memory=%llu\n",
		(unsigned long long)total_bytes, (unsigned long long)m->memory_bytes,
		(unsigned long long)m->image_bytes, (unsigned long long)m->tree.memory);
	fprintf(f, "bandwidth=%.0f\npredicted_frozen_ms=%.1f\npredicted_total_s=%.3f\n",
		m->bandwidth, !isnan(predicted) ? predicted * 1e3 : -1,
		e->possible && m->mode != WLCR_MODE_PRECOPY ? e->total : -1);
	fprintf(f, "plan_frozen_ms=%.1f\n", m->plan_frozen * 1e3);
	fprintf(f, "touched=%llu\nrounds=%u\nabandoned=%s\n", (unsigned long long)m->touched,
		m->rounds, m->abandoned ? wlcr_mode_name(m->abandoned) : "");
	fprintf(f, "rule=%s\nlazy_restore=%d\npredump_bytes=%llu\n",
		m->rule == WLCR_RULE_GOPHAUL ? "gophaul" : "planner",
		m->mode == WLCR_MODE_COPY ? m->copy_lazy : m->lazy_restore,
		(unsigned long long)m->predump_bytes);
	/* what each round found written, and over how long: a trace */
	fprintf(f, "round_written=");
	for (unsigned i = 1; i < m->rr.n; i++)
		fprintf(f, "%s%.0f", i > 1 ? "," : "", m->rr.written[i]);
	fprintf(f, "\nround_interval_ms=");
	for (unsigned i = 1; i < m->rr.n; i++)
		fprintf(f, "%s%.1f", i > 1 ? "," : "", m->rr.interval[i] * 1e3);
	fprintf(f, "\n");
	fprintf(f, "src_last_commit_ns=%llu\ndest_first_commit_ns=%llu\n",
		(unsigned long long)m->src_last_commit_ns,
		(unsigned long long)m->dest_first_commit_ns);
	fclose(f);
}

static int parse(struct mig *m, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "no-lazy", no_argument, NULL, 'L' },
		{ "keys", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "plan", no_argument, NULL, 'P' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "stats", required_argument, NULL, 's' },
		{ "keep", no_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	bool quiet = false;
	m->keys = "/etc/wlcr/keys";
	m->timeout_ms = 10000;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			m->mode = wlcr_mode_parse(optarg);
			if (m->mode < 0) {
				fprintf(stderr, "wlcr migrate: unknown mode '%s'\n", optarg);
				return 2;
			}
			break;
		case 'L':
			m->no_lazy = true;
			break;
		case 'k':
			m->keys = optarg;
			break;
		case 't':
			m->timeout_ms = (int)(atof(optarg) * 1000);
			if (m->timeout_ms < 500) {
				fprintf(stderr, "wlcr migrate: --timeout of at least 0.5 s\n");
				return 2;
			}
			break;
		case 'P':
			m->plan_only = true;
			break;
		case 'r':
			if (strcmp(optarg, "planner") && strcmp(optarg, "gophaul")) {
				fprintf(stderr, "wlcr migrate: --rounds planner or gophaul\n");
				return 2;
			}
			m->rule = strcmp(optarg, "gophaul") == 0 ? WLCR_RULE_GOPHAUL
								 : WLCR_RULE_PLANNER;
			break;
		case 's':
			m->stats = optarg;
			break;
		case 'K':
			m->keep = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		fputs(usage, stderr);
		return 2;
	}
	char *end;
	long pid = strtol(argv[optind], &end, 10);
	if (*end || pid <= 0) {
		fprintf(stderr, "wlcr migrate: not a pid: %s\n", argv[optind]);
		return 2;
	}
	m->pid = (pid_t)pid;
	if (wlcr_net_parse(argv[optind + 1], m->host, sizeof(m->host), &m->port, WLCR_MIG_PORT) <
	    0) {
		fprintf(stderr, "wlcr migrate: not HOST[:PORT]: %s\n", argv[optind + 1]);
		return 2;
	}
	if (m->no_lazy && m->mode == WLCR_MODE_LAZY) {
		fprintf(stderr, "wlcr migrate: --no-lazy with --mode lazy\n");
		return 2;
	}
	wlcr_progress_init(&m->prog, stderr, quiet);
	return -1;
}

/* Everything up to the freeze. Returns 0, or -1 with m->err (nothing was
 * touched yet). */
static int before_freeze(struct mig *m)
{
	char err[512], reason[256];
	uint8_t rnd[16];
	if (wlcr_apptree_collect(m->pid, &m->tree, err, sizeof(err)) < 0)
		return fail(m, "%s", err);
	for (size_t i = 0; i < m->tree.nproxies; i++) {
		uint64_t first, last;
		unsigned found;
		if (wlcr_mig_proxy_clients(m->tree.proxies[i], m->tree.procs, m->tree.nprocs,
					   &first, &last, &found, reason, sizeof(reason), err,
					   sizeof(err)) < 0)
			return fail(m, "%s", err);
		if (reason[0])
			return fail(m, "%s cannot be checkpointed: %s", m->tree.comm, reason);
	}
	if (wlcr_mig_pipe_size(err, sizeof(err)) < 0)
		return fail(m, "%s", err);
	if (wlcr_tls_creds_load(&m->creds, m->keys, err, sizeof(err)) < 0)
		return fail(m, "%s", err);
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return fail(m, "no random bytes");
	memcpy(m->id, rnd, sizeof(rnd));
	char mem[32];
	wlcr_progress_say(&m->prog,
			  "wlcr migrate: %s (pid %d: %zu processes, %zu threads, %s) to %s:%u",
			  m->tree.comm, m->pid, m->tree.nprocs, m->tree.nids,
			  wlcr_human(mem, sizeof(mem), (double)m->tree.memory), m->host, m->port);
	wlcr_progress_phase(&m->prog, "connecting");
	if (connect_dest(m) < 0 || hello(m) < 0)
		return -1;
	if (m->mode == 0 || m->plan_only) {
		wlcr_progress_phase(&m->prog, "measuring the link and the app");
		if (probe(m) < 0)
			return -1;
		int r = wlcr_apptree_touched(&m->tree, 100, &m->touched);
		if (r < 0)
			return fail(m, "cannot measure what the app touches: %s", strerror(-r));
	}
	plan(m);
	char bw[32];
	char touched[32];
	if (m->bandwidth > 0)
		wlcr_progress_say(&m->prog,
				  "link: %s/s, round trip %.2f ms; the app touches %s in 100 ms",
				  wlcr_human(bw, sizeof(bw), m->bandwidth), m->rtt * 1e3,
				  wlcr_human(touched, sizeof(touched), (double)m->touched));
	if (m->mode == 0 || m->plan_only)
		wlcr_progress_say(&m->prog, "plan:\n%s-> %s%s", m->plan.why,
				  m->plan.mode ? wlcr_mode_name(m->plan.mode) : "none",
				  m->no_lazy ? " (--no-lazy)" : "");
	if (m->plan_only)
		return 0;
	if (m->mode == 0) {
		if (m->plan.mode == WLCR_MODE_NONE)
			return fail(m, "no allowed mode is possible");
		m->mode = m->plan.mode;
		m->plan_frozen = m->plan.est[m->mode].frozen;
	} else if (!m->plan.est[m->mode].possible) {
		return fail(m, "mode %s refused: %s", wlcr_mode_name(m->mode),
			    m->plan.est[m->mode].note);
	}
	if (wlcr_mig_workdir(m->dir, sizeof(m->dir), "wlcr-migrate") < 0)
		return fail(m, "cannot make a work directory: %s", strerror(errno));
	snprintf(m->imgdir, sizeof(m->imgdir), "%s", m->dir);
	return 0;
}

int wlcr_cmd_migrate(int argc, char **argv)
{
	struct mig *m = calloc(1, sizeof(*m));
	if (!m)
		return 1;
	int ret = parse(m, argc, argv);
	if (ret >= 0) {
		free(m);
		return ret;
	}
	m->t_start = wlcr_now();
	m->dump.pid = -1;
	m->dump.pidfd = m->dump.status_fd = -1;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int r = before_freeze(m);
	if (r == 0 && m->plan_only) {
		ret = 0;
		goto out;
	}
	unsigned page_port = 0;
	if (r == 0 && m->mode == WLCR_MODE_PRECOPY) {
		r = precopy_rounds(m, &page_port);
		if (r == 1) {
			/* the destination starts again in the new mode */
			m->mode = m->abandoned;
			snprintf(m->imgdir, sizeof(m->imgdir), "%s", m->dir);
			r = prepare(m, &page_port);
		}
	} else if (r == 0) {
		r = prepare(m, &page_port);
	}
	if (r == 0) {
		wlcr_progress_phase(&m->prog,
				    m->mode == WLCR_MODE_LAZY ? "dump (lazy)" : "dump and memory");
		r = start_dump(m, page_port);
	}
	if (r == 0)
		r = wait_dump(m);
	if (r == 0) {
		source_commits(m);
		r = send_images(m);
	}
	if (r == 0) {
		wlcr_progress_phase(&m->prog, "restoring there");
		r = expect(m, MIG_OP__MIG_RESTORED, NULL, 6 * m->timeout_ms);
	}
	if (r < 0) {
		/* nothing runs there: the app goes on here */
		if (m->connected)
			wlcr_chan_send_op(&m->ch, MIG_OP__MIG_ABORT, m->err);
		bool was_frozen = m->frozen;
		resume_source(m);
		end_tracking(m);
		wlcr_progress_end(&m->prog);
		fprintf(stderr, "wlcr migrate: %s\n", m->err);
		if (was_frozen || m->connected)
			fprintf(stderr,
				"wlcr migrate: nothing was restored there; %s (pid %d) "
				"keeps running here\n",
				m->tree.comm[0] ? m->tree.comm : "the app", m->pid);
		ret = 1;
		goto out;
	}
	r = finish(m);
	if (r == 0) {
		/* the one copy is there: this one goes */
		wlcr_apptree_signal(&m->tree, SIGKILL);
		wlcr_apptree_wait_gone(&m->tree, 10000);
		if (m->dump.pid > 0)
			wlcr_criu_reap(&m->dump, 30000);
		MigMsg *shown = NULL;
		/* the app's first own frame there, when it comes soon */
		if (next(m, NULL, &shown, 5000) == 0) {
			if (shown->op == MIG_OP__MIG_SHOWN) {
				m->dest_first_commit_ns = shown->first_commit_ns;
				m->dest_resumed_ns = shown->resumed_ns;
			}
			mig_msg__free_unpacked(shown, NULL);
		}
		summary(m);
		ret = 0;
	} else {
		if (r == -1) {
			resume_source(m);
			end_tracking(m);
		}
		wlcr_progress_end(&m->prog);
		fprintf(stderr, "wlcr migrate: %s\n", m->err);
		if (r == -1)
			fprintf(stderr, "wlcr migrate: %s (pid %d) runs here again\n", m->tree.comm,
				m->pid);
		ret = r == -1 ? 1 : 3;
	}
out:
	if (m->connected)
		wlcr_tls_close(&m->ch);
	if (m->dump.pid > 0)
		wlcr_criu_reap(&m->dump, -1);
	wlcr_criu_finish(&m->dump);
	if (m->dir[0] && !m->keep)
		wlcr_mig_rmdir(m->dir);
	else if (m->dir[0])
		fprintf(stderr, "wlcr migrate: images and criu's log kept in %s\n", m->dir);
	wlcr_tls_creds_finish(&m->creds);
	wlcr_apptree_free(&m->tree);
	free(m);
	return ret;
}
