#include "guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migration.h"

/* the pipe carries 'A' and a count and pids (arm), or 'R' (release) */
#define ARM	 'A'
#define RELEASE	 'R'
#define MAX_PIDS 4096

static ssize_t read_all(int fd, void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* When p started, in clock ticks since boot (/proc/PID/stat, field 22);
 * 0 if it is gone. */
static unsigned long long started(pid_t p)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", p);
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	/* after the command's closing parenthesis: state is field 3 */
	char *q = strrchr(buf, ')');
	unsigned long long t = 0;
	if (q && sscanf(q + 2,
			"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			"%*d %*d %*d %llu",
			&t) == 1)
		return t;
	return 0;
}

static void guard_main(int fd, const char *dir)
{
	/* the tree is armed before criu restores it: a pid is killed only
	 * if its process started after us, so never one that had the pid
	 * before this migration */
	unsigned long long since = started(getpid());
	static pid_t pids[MAX_PIDS];
	uint32_t n = 0;
	char c = 0;
	/* nothing but our pipe: the network connections must end with wlcr
	 * receive, and a terminal's signals are for it too */
	if (fd > 3)
		close_range(3, (unsigned)fd - 1, 0);
	close_range((unsigned)fd + 1, ~0U, 0);
	setsid();
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	while (read_all(fd, &c, 1) == 1) {
		if (c == RELEASE)
			_exit(0);
		if (c != ARM || read_all(fd, &n, sizeof(n)) != sizeof(n) || n > MAX_PIDS ||
		    read_all(fd, pids, n * sizeof(pid_t)) != (ssize_t)(n * sizeof(pid_t)))
			break;
	}
	/* wlcr receive is gone, or the migration failed */
	for (uint32_t i = 0; i < n; i++)
		if (started(pids[i]) >= since)
			kill(pids[i], SIGKILL);
	if (dir && *dir)
		wlcr_mig_rmdir(dir);
	_exit(0);
}

int wlcr_guard_start(struct wlcr_guard *g, const char *dir)
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
		guard_main(p[0], dir);
	}
	close(p[0]);
	g->pid = pid;
	g->fd = p[1];
	return 0;
}

int wlcr_guard_arm(struct wlcr_guard *g, const pid_t *pids, size_t n)
{
	if (g->fd < 0 || n > MAX_PIDS)
		return -EINVAL;
	uint32_t count = (uint32_t)n;
	char c = ARM;
	if (write(g->fd, &c, 1) != 1 || write(g->fd, &count, sizeof(count)) != sizeof(count) ||
	    write(g->fd, pids, n * sizeof(*pids)) != (ssize_t)(n * sizeof(*pids)))
		return -EIO;
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
