/* Running criu for a migration: a child with an argument vector built
 * piece by piece, an optional --status-fd pipe (criu writes a byte once it
 * serves: a page server listening, lazy pages ready), a pidfd to wait on,
 * and a way to make a criu stuck on a dead network connection give up. */
#ifndef WLCR_CLI_CRIU_RUN_H
#define WLCR_CLI_CRIU_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define WLCR_CRIU_MAX_ARGS 64

struct wlcr_criu {
	const char *argv[WLCR_CRIU_MAX_ARGS + 1];
	size_t argc;
	char status_arg[16];
	pid_t pid;
	int pidfd;     /* readable once criu exited */
	int status_fd; /* readable once criu is ready (or gone), or -1 */
	int exit_code; /* after wlcr_criu_reap: 0 success, >0 failure, -1 unknown */
	int push_fd;   /* its page-server connection (wlcr_criu_push), or -1 */
	int push_unsent;
	int push_criu_fd;   /* the same socket's number in criu */
	char push_link[64]; /* and what /proc says it is: "socket:[INO]" */
	const char *what;   /* "dump", "page server", ... for messages */
};

/* Starts an argument vector: "criu" and the subcommand. */
void wlcr_criu_init(struct wlcr_criu *cr, const char *what, const char *subcommand);
/* Appends arguments (up to a NULL); the strings must outlive the spawn. */
void wlcr_criu_args(struct wlcr_criu *cr, ...) __attribute__((sentinel));
/* Appends --tls and its three files. */
void wlcr_criu_tls(struct wlcr_criu *cr, const char *ca, const char *cert, const char *key);
/* Forks and runs it, stdout and stderr to /dev/null (its log is -o). With
 * status, adds --status-fd. With die_with_parent, criu gets SIGKILL when
 * this process dies. Returns 0 or -errno. */
int wlcr_criu_spawn(struct wlcr_criu *cr, bool status, bool die_with_parent);
/* Waits up to timeout_ms (-1: for ever) for criu's status byte. Returns 0
 * when it is ready, -ECHILD when it exited first, -ETIMEDOUT. */
int wlcr_criu_wait_ready(struct wlcr_criu *cr, int timeout_ms);
/* Collects criu's exit if it has exited (or waits up to timeout_ms: -1
 * for ever). Returns 1 when it exited (exit_code set), 0 when it still
 * runs. */
int wlcr_criu_reap(struct wlcr_criu *cr, int timeout_ms);
/* Shuts down every TCP socket criu holds (through pidfd_getfd: the same
 * sockets), so that a criu blocked on a peer that will never answer fails
 * now, the way it does when the connection breaks: a dump then lets its
 * tasks run again. */
void wlcr_criu_abort_network(struct wlcr_criu *cr);
/* criu 4.2.1 corks its page-server connection and sends its last command
 * (PS_IOV_CLOSE) without pushing it, then waits for the answer: the kernel
 * holds the corked bytes for 200 ms, all of it frozen time. Called every few
 * ms while a dump runs, this pushes bytes that wait unsent and unchanged
 * since the last call (TCP_NODELAY on the same socket, through
 * pidfd_getfd, sends what is pending). Bulk page transfer is never held
 * back by it: its queue moves between calls. The dup is dropped as soon as
 * criu's own fd is closed, or it would keep the connection open (the page
 * server waits for its end). */
void wlcr_criu_push(struct wlcr_criu *cr, unsigned port);
/* Dups into ours (at most cap, returning how many) the userfaultfds a
 * lazy-pages daemon serves once the restore handed them over. While they
 * are held, a daemon that dies leaves the restored tasks blocked on their
 * next missing page, instead of the kernel, on the last close, filling it
 * with zeros they would run on until they are killed. Close them once the
 * daemon ended well (all pages are in) or the tasks were killed. */
size_t wlcr_criu_hold_uffds(struct wlcr_criu *cr, int *fds, size_t cap);
/* Kills it (a lazy-pages daemon or page server nobody needs) and reaps. */
void wlcr_criu_kill(struct wlcr_criu *cr);
void wlcr_criu_finish(struct wlcr_criu *cr);

/* criu's error lines from DIR/LOG (not the harmless rlimit one), at most
 * the last three, joined by "; " into buf. */
void wlcr_criu_log_errors(const char *dir, const char *log, char *buf, size_t cap);
/* The plugin next to this binary (build tree: build/bin/../lib/criu), else
 * CRIU's default plugin directory, where make install puts it. */
const char *wlcr_criu_plugin_dir(char *buf, size_t cap);
/* criu check --feature NAME passes. */
bool wlcr_criu_feature(const char *name);
/* This criu knows the option (a boolean one, e.g. "--track-mem-keep"):
 * criu check takes every option and refuses one it does not know. */
bool wlcr_criu_option(const char *option);

#endif
