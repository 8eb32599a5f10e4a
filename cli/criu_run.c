#include "criu_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

void wlcr_criu_init(struct wlcr_criu *cr, const char *what, const char *subcommand)
{
	memset(cr, 0, sizeof(*cr));
	cr->pid = -1;
	cr->pidfd = cr->status_fd = -1;
	cr->push_fd = -1;
	cr->exit_code = -1;
	cr->what = what;
	cr->argv[cr->argc++] = "criu";
	cr->argv[cr->argc++] = subcommand;
}

void wlcr_criu_args(struct wlcr_criu *cr, ...)
{
	va_list ap;
	va_start(ap, cr);
	for (const char *a; (a = va_arg(ap, const char *));)
		if (cr->argc < WLCR_CRIU_MAX_ARGS - 2) /* room for --status-fd N */
			cr->argv[cr->argc++] = a;
	va_end(ap);
}

void wlcr_criu_tls(struct wlcr_criu *cr, const char *ca, const char *cert, const char *key)
{
	/* the CA is what is trusted, not the peer's host name */
	wlcr_criu_args(cr, "--tls", "--tls-cacert", ca, "--tls-cert", cert, "--tls-key", key,
		       "--tls-no-cn-verify", NULL);
}

int wlcr_criu_spawn(struct wlcr_criu *cr, bool status, bool die_with_parent)
{
	int pipefd[2] = { -1, -1 };
	if (status) {
		if (pipe2(pipefd, O_CLOEXEC) < 0)
			return -errno;
		/* criu writes to an fd it was given: one that survives exec */
		snprintf(cr->status_arg, sizeof(cr->status_arg), "%d", 200);
		cr->argv[cr->argc++] = "--status-fd";
		cr->argv[cr->argc++] = cr->status_arg;
	}
	cr->argv[cr->argc] = NULL;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		if (status) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return -e;
	}
	if (pid == 0) {
		if (die_with_parent) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(127);
		}
		/* its own process group: a terminal's ^C reaches wlcr, which
		 * decides what becomes of the app, not criu half-way */
		setpgid(0, 0);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (status && dup2(pipefd[1], 200) < 0)
			_exit(127);
		execvp("criu", (char *const *)cr->argv);
		_exit(127);
	}
	if (status) {
		close(pipefd[1]);
		cr->status_fd = pipefd[0];
	}
	cr->pid = pid;
	cr->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return 0;
}

int wlcr_criu_wait_ready(struct wlcr_criu *cr, int timeout_ms)
{
	struct pollfd p = { .fd = cr->status_fd, .events = POLLIN };
	int n;
	do {
		n = poll(&p, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return -ETIMEDOUT;
	char c;
	/* a byte: ready; end of file: criu exited without being ready */
	ssize_t r = read(cr->status_fd, &c, 1);
	close(cr->status_fd);
	cr->status_fd = -1;
	return r == 1 ? 0 : -ECHILD;
}

int wlcr_criu_reap(struct wlcr_criu *cr, int timeout_ms)
{
	if (cr->pid <= 0)
		return 1;
	if (cr->pidfd >= 0 && timeout_ms != 0) {
		struct pollfd p = { .fd = cr->pidfd, .events = POLLIN };
		int n;
		do {
			n = poll(&p, 1, timeout_ms);
		} while (n < 0 && errno == EINTR);
	}
	int st;
	pid_t r = waitpid(cr->pid, &st, cr->pidfd < 0 && timeout_ms < 0 ? 0 : WNOHANG);
	if (r == 0)
		return 0;
	cr->exit_code = r < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	cr->pid = -1;
	return 1;
}

/* Calls fn with a dup (pidfd_getfd) of each of criu's fds whose /proc link
 * starts with prefix, its number in criu and the link, until fn returns
 * nonzero; fn owns the dup. Returns what fn returned last, or 0. */
static int each_fd(struct wlcr_criu *cr, const char *prefix,
		   int (*fn)(int fd, int num, const char *link, void *arg), void *arg)
{
	char path[64], link[64];
	int ret = 0;
	if (cr->pid <= 0 || cr->pidfd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", cr->pid);
	DIR *d = opendir(path);
	struct dirent *e;
	while (!ret && d && (e = readdir(d))) {
		char fdpath[320];
		snprintf(fdpath, sizeof(fdpath), "%s/%s", path, e->d_name);
		ssize_t n = readlink(fdpath, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, prefix, strlen(prefix)) != 0)
			continue;
		int num = atoi(e->d_name);
		int fd = (int)syscall(SYS_pidfd_getfd, cr->pidfd, num, 0);
		if (fd >= 0)
			ret = fn(fd, num, link, arg);
	}
	if (d)
		closedir(d);
	return ret;
}

static int shut_tcp(int fd, int num, const char *link, void *arg)
{
	(void)num, (void)link, (void)arg;
	int domain = 0, proto = 0;
	socklen_t len = sizeof(domain);
	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len);
	len = sizeof(proto);
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len);
	/* a listening socket's accept() returns too */
	if ((domain == AF_INET || domain == AF_INET6) && proto == IPPROTO_TCP)
		shutdown(fd, SHUT_RDWR);
	close(fd);
	return 0;
}

void wlcr_criu_abort_network(struct wlcr_criu *cr)
{
	each_fd(cr, "socket:", shut_tcp, NULL);
}

struct held {
	int *fds;
	size_t n, cap;
};

static int hold(int fd, int num, const char *link, void *arg)
{
	(void)num;
	struct held *h = arg;
	if (strcmp(link, "anon_inode:[userfaultfd]") != 0) {
		close(fd);
		return 0;
	}
	h->fds[h->n++] = fd;
	return h->n == h->cap;
}

size_t wlcr_criu_hold_uffds(struct wlcr_criu *cr, int *fds, size_t cap)
{
	struct held h = { fds, 0, cap };
	if (cap)
		each_fd(cr, "anon_inode:", hold, &h);
	return h.n;
}

struct tcp_port {
	struct wlcr_criu *cr;
	unsigned port;
	int found;
};

static int on_port(int fd, int num, const char *link, void *arg)
{
	struct tcp_port *t = arg;
	struct sockaddr_storage a, b;
	socklen_t la = sizeof(a), lb = sizeof(b);
	if (getsockname(fd, (struct sockaddr *)&a, &la) == 0 &&
	    getpeername(fd, (struct sockaddr *)&b, &lb) == 0 &&
	    (a.ss_family == AF_INET || a.ss_family == AF_INET6)) {
		unsigned pa = ntohs(((struct sockaddr_in *)&a)->sin_port);
		unsigned pb = ntohs(((struct sockaddr_in *)&b)->sin_port);
		if (pa == t->port || pb == t->port) {
			t->found = fd;
			t->cr->push_criu_fd = num;
			snprintf(t->cr->push_link, sizeof(t->cr->push_link), "%s", link);
			return 1;
		}
	}
	close(fd);
	return 0;
}

/* A dup of criu's TCP connection to or from port, or -1; its number in
 * criu and its /proc link in cr->push_*. */
static int tcp_socket_of(struct wlcr_criu *cr, unsigned port)
{
	struct tcp_port t = { cr, port, -1 };
	each_fd(cr, "socket:", on_port, &t);
	return t.found;
}

void wlcr_criu_push(struct wlcr_criu *cr, unsigned port)
{
	if (cr->pid <= 0 || cr->pidfd < 0)
		return;
	if (cr->push_fd < 0) {
		cr->push_fd = tcp_socket_of(cr, port);
		cr->push_unsent = 0;
		if (cr->push_fd < 0)
			return;
	}
	char path[64], link[64];
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", cr->pid, cr->push_criu_fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0 || (link[n] = '\0', strcmp(link, cr->push_link) != 0)) {
		/* criu closed it: so must we, for the connection to end */
		close(cr->push_fd);
		cr->push_fd = -1;
		cr->push_criu_fd = -1;
		return;
	}
	int unsent = 0, one = 1;
	if (ioctl(cr->push_fd, SIOCOUTQNSD, &unsent) < 0)
		return;
	if (unsent > 0 && unsent == cr->push_unsent)
		setsockopt(cr->push_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	cr->push_unsent = unsent;
}

void wlcr_criu_kill(struct wlcr_criu *cr)
{
	if (cr->pid > 0) {
		kill(cr->pid, SIGKILL);
		wlcr_criu_reap(cr, -1);
	}
}

void wlcr_criu_finish(struct wlcr_criu *cr)
{
	if (cr->push_fd >= 0)
		close(cr->push_fd);
	cr->push_fd = -1;
	if (cr->status_fd >= 0)
		close(cr->status_fd);
	if (cr->pidfd >= 0)
		close(cr->pidfd);
	cr->status_fd = cr->pidfd = -1;
}

void wlcr_criu_log_errors(const char *dir, const char *log, char *buf, size_t cap)
{
	char path[PATH_MAX], line[512], last[3][512];
	unsigned n = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, log);
	buf[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(buf, cap, "no log %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if ((!strstr(line, "Error") && !strstr(line, " wlcr: ")) ||
		    strstr(line, "RLIMIT") || strstr(line, "wlcr: saved") ||
		    strstr(line, "wlcr: socket ino") || strstr(line, "replayed on"))
			continue;
		line[strcspn(line, "\n")] = '\0';
		/* without the "(00.123456) " stamp */
		const char *p = line[0] == '(' && strchr(line, ')') ? strchr(line, ')') + 2 : line;
		snprintf(last[n % 3], sizeof(last[0]), "%s", p);
		n++;
	}
	fclose(f);
	size_t used = 0;
	for (unsigned i = n > 3 ? n - 3 : 0; i < n && used < cap; i++) {
		int w = snprintf(buf + used, cap - used, "%s%s", used ? "; " : "", last[i % 3]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (!n)
		snprintf(buf, cap, "no error in %s (--keep keeps it)", path);
}

const char *wlcr_criu_plugin_dir(char *buf, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			int w = snprintf(buf, cap, "%s/../lib/criu", exe);
			char so[PATH_MAX + 32];
			snprintf(so, sizeof(so), "%s/wayland_plugin.so", buf);
			if (w > 0 && (size_t)w < cap && access(so, R_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, cap, "/usr/lib/criu");
	return buf;
}

bool wlcr_criu_option(const char *option)
{
	struct wlcr_criu cr;
	wlcr_criu_init(&cr, "check", "check");
	wlcr_criu_args(&cr, option, "--feature", "mem_dirty_track", NULL);
	if (wlcr_criu_spawn(&cr, false, true) < 0)
		return false;
	wlcr_criu_reap(&cr, -1);
	wlcr_criu_finish(&cr);
	return cr.exit_code == 0;
}

bool wlcr_criu_feature(const char *name)
{
	struct wlcr_criu cr;
	wlcr_criu_init(&cr, "check", "check");
	wlcr_criu_args(&cr, "--feature", name, NULL);
	if (wlcr_criu_spawn(&cr, false, true) < 0)
		return false;
	wlcr_criu_reap(&cr, -1);
	wlcr_criu_finish(&cr);
	return cr.exit_code == 0;
}
