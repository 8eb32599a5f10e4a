#include "guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RELEASE 'r'

static void guard_main(int fd, const pid_t *pids, size_t n)
{
	char c = 0;
	ssize_t r;
	/* nothing but our pipe: the network connections must end with wlcr
	 * receive, and a terminal's signals are for it too */
	if (fd > 3)
		close_range(3, (unsigned)fd - 1, 0);
	close_range((unsigned)fd + 1, ~0U, 0);
	setsid();
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	do {
		r = read(fd, &c, 1);
	} while (r < 0 && errno == EINTR);
	if (r == 1 && c == RELEASE)
		_exit(0);
	for (size_t i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	_exit(0);
}

int wlcr_guard_start(struct wlcr_guard *g, const pid_t *pids, size_t n)
{
	int p[2];
	g->pid = -1;
	g->fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		close(p[1]);
		guard_main(p[0], pids, n);
	}
	close(p[0]);
	g->pid = pid;
	g->fd = p[1];
	return 0;
}

static void end(struct wlcr_guard *g, char c)
{
	if (g->fd < 0)
		return;
	if (c)
		(void)!write(g->fd, &c, 1);
	close(g->fd);
	g->fd = -1;
	while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
		;
	g->pid = -1;
}

void wlcr_guard_release(struct wlcr_guard *g)
{
	end(g, RELEASE);
}

void wlcr_guard_fire(struct wlcr_guard *g)
{
	end(g, 0);
}
