#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "ctl.h"

int wlcr_cli_target(struct wlcr_cli_target *t, const char *name)
{
	if (!name)
		name = getenv("WLCR_SOCKET");
	if (!name || !*name)
		name = "wlcr-0";
	int n;
	if (name[0] == '/') {
		n = snprintf(t->socket_path, sizeof(t->socket_path), "%s", name);
	} else {
		const char *dir = getenv("XDG_RUNTIME_DIR");
		if (!dir) {
			fprintf(stderr, "wlcr: XDG_RUNTIME_DIR is not set: cannot find %s\n", name);
			return -1;
		}
		n = snprintf(t->socket_path, sizeof(t->socket_path), "%s/%s", dir, name);
	}
	if (n < 0 || (size_t)n >= sizeof(t->socket_path) ||
	    wlcr_ctl_path(t->ctl_path, sizeof(t->ctl_path), t->socket_path) < 0) {
		fprintf(stderr, "wlcr: socket path too long: %s\n", name);
		return -1;
	}
	return 0;
}

int wlcr_cli_proxy_alive(const struct wlcr_cli_target *t)
{
	int fd = wlcr_ctl_connect(t->ctl_path, WLCR_CTL_TIMEOUT_MS);
	if (fd == -ENOENT || fd == -ECONNREFUSED)
		return 0;
	if (fd < 0) {
		fprintf(stderr, "wlcr: %s: %s\n", t->ctl_path, strerror(-fd));
		return -1;
	}
	CtlRequest req = CTL_REQUEST__INIT;
	CtlReply *reply = NULL;
	char err[512];
	req.op = CTL_OP__CTL_HELLO;
	int ret = wlcr_ctl_call(fd, &req, &reply, err, sizeof(err));
	close(fd);
	if (ret < 0) {
		fprintf(stderr, "wlcr: %s: %s\n", t->ctl_path, err);
		return -1;
	}
	ctl_reply__free_unpacked(reply, NULL);
	return 1;
}

/* wlcr-proxy next to this binary (build tree or PREFIX/bin), else PATH. */
static const char *proxy_binary(char *buf, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
	if (n > 0) {
		buf[n] = '\0';
		char *slash = strrchr(buf, '/');
		if (slash && (size_t)(slash - buf) + sizeof("/wlcr-proxy") <= cap) {
			strcpy(slash, "/wlcr-proxy");
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return "wlcr-proxy";
}

int wlcr_cli_ensure_proxy(const struct wlcr_cli_target *t, const char *upstream, char *const *extra)
{
	int alive = wlcr_cli_proxy_alive(t);
	if (alive != 0)
		return alive > 0 ? 0 : -1;

	char bin[PATH_MAX], logpath[PATH_MAX], fdarg[16];
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		perror("wlcr: pipe");
		return -1;
	}
	snprintf(logpath, sizeof(logpath), "%s.log", t->socket_path);
	const char *argv[64];
	size_t argc = 0;
	argv[argc++] = proxy_binary(bin, sizeof(bin));
	argv[argc++] = "--socket";
	argv[argc++] = t->socket_path;
	argv[argc++] = "--ready-fd";
	argv[argc++] = fdarg;
	if (upstream) {
		argv[argc++] = "--upstream";
		argv[argc++] = upstream;
	}
	for (size_t i = 0; extra && extra[i] && argc < 62; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;

	pid_t pid = fork();
	if (pid < 0) {
		perror("wlcr: fork");
		return -1;
	}
	if (pid == 0) {
		/* detach: the proxy outlives this command and its terminal, and
		 * is not a child of the app (run execs the app in this process):
		 * a checkpoint of the app's tree must not take the proxy along */
		setsid();
		pid_t grandchild = fork();
		if (grandchild != 0)
			_exit(grandchild < 0 ? 127 : 0);
		int ready = dup(pipefd[1]); /* without O_CLOEXEC */
		snprintf(fdarg, sizeof(fdarg), "%d", ready);
		int log = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (log >= 0) {
			dup2(log, 1);
			dup2(log, 2);
		}
		if (null >= 0)
			dup2(null, 0);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "wlcr: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	/* the intermediate child exits at once; the proxy is re-parented */
	waitpid(pid, NULL, 0);
	struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
	char c = 0;
	int r = poll(&p, 1, 10000);
	ssize_t n = r > 0 ? read(pipefd[0], &c, 1) : -1;
	close(pipefd[0]);
	if (n != 1 || c != '\n') {
		fprintf(stderr, "wlcr: wlcr-proxy did not start on %s%s; its log is %s\n",
			t->socket_path, r == 0 ? " within 10 s" : "", logpath);
		return -1;
	}
	fprintf(stderr, "wlcr: started wlcr-proxy on %s, log %s\n", t->socket_path, logpath);
	return 0;
}
