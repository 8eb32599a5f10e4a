/* wlcr dump and wlcr restore: thin wrappers around criu with the plugin. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "criu_run.h"
#include "image.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int run(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "wlcr: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* "(SS.UUUUUU)" at the start of a criu log line, in ms; -1 without one */
static double stamp(const char *line)
{
	double s;
	return sscanf(line, " (%lf)", &s) == 1 ? s * 1e3 : -1;
}

struct log_facts {
	double plugin_ms; /* from our hook's call to our last line, summed */
	int fork_busy_pid;
	char foreign[512];
};

static void read_log(const char *dir, const char *name, bool show_errors, struct log_facts *f)
{
	char path[PATH_MAX], line[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	memset(f, 0, sizeof(*f));
	FILE *fp = fopen(path, "re");
	if (!fp)
		return;
	double hook = -1;
	while (fgets(line, sizeof(line), fp)) {
		double t = stamp(line);
		if (strstr(line, "`wlcr-wayland' hook"))
			hook = t;
		else if (strstr(line, " wlcr: ") && hook >= 0 && t >= hook) {
			f->plugin_ms += t - hook;
			hook = -1;
		}
		const char *p = strstr(line, "Can't fork for ");
		if (p && strstr(line, "File exists"))
			f->fork_busy_pid = atoi(p + strlen("Can't fork for "));
		/* criu names the other end of a socket it cannot dump in one
		 * of two ways, with or without --ext-unix-sk */
		p = strstr(line, "peer name: ");
		if (p && strstr(line, "Can't dump half of stream unix connection"))
			snprintf(f->foreign, sizeof(f->foreign), "%s", p + strlen("peer name: "));
		p = strstr(line, " name ");
		if (p && strstr(line, "Runaway socket:"))
			snprintf(f->foreign, sizeof(f->foreign), "%s", p + strlen(" name "));
		if (show_errors && (strstr(line, "Error") || strstr(line, " wlcr: ")) &&
		    !strstr(line, "RLIMIT"))
			fprintf(stderr, "    %s", line);
	}
	fclose(fp);
	char *nl = strchr(f->foreign, '\n');
	if (nl)
		*nl = '\0';
}

static const char dump_usage[] =
	"usage: wlcr dump [-R|--leave-running] PID DIR\n"
	"\n"
	"Checkpoints the process tree of PID into DIR with criu and the wlcr plugin.\n"
	"Its Wayland connections must go through wlcr-proxy (wlcr run). A failed dump\n"
	"leaves the app running with its connection intact. File locks the app holds\n"
	"(Qt's single-instance lock file) are saved and taken again on restore (criu\n"
	"--file-locks). criu's log: DIR/dump.log.\n";

int wlcr_cmd_dump(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "leave-running", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int leave = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "Rh", longopts, NULL)) != -1) {
		if (c == 'R') {
			leave = 1;
		} else if (c == 'h') {
			fputs(dump_usage, stdout);
			return 0;
		} else {
			fputs(dump_usage, stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		fputs(dump_usage, stderr);
		return 2;
	}
	const char *pid = argv[optind], *dir = argv[optind + 1];
	char lib[PATH_MAX];
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "wlcr dump: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	char *args[] = { "criu",
			 "dump",
			 "-t",
			 (char *)pid,
			 "-D",
			 (char *)dir,
			 "--lib",
			 (char *)wlcr_criu_plugin_dir(lib, sizeof(lib)),
			 "-v4",
			 "-o",
			 "dump.log",
			 "--file-locks",
			 leave ? "-R" : NULL,
			 NULL };
	double t0 = now_ms();
	int ret = run(args);
	double t1 = now_ms();
	struct log_facts f;
	read_log(dir, "dump.log", ret != 0, &f);
	if (ret != 0) {
		fprintf(stderr,
			"wlcr dump: criu dump of %s failed (exit %d); the app keeps running\n", pid,
			ret);
		if (f.foreign[0])
			fprintf(stderr,
				"wlcr dump: the app holds a socket to %s, outside the dumped tree "
				"and "
				"not a wlcr proxy: start it without that service (wlcr run "
				"--no-bus "
				"for the session and accessibility buses)\n",
				f.foreign);
		return 1;
	}
	printf("dumped %s into %s in %.0f ms (wlcr plugin: %.1f ms)%s\n", pid, dir, t1 - t0,
	       f.plugin_ms, leave ? "; the app keeps running" : "");
	return 0;
}

/* Waits up to 10 s for /proc/PID to vanish. */
static void wait_gone(int pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d", pid);
	for (int i = 0; i < 200 && access(path, F_OK) == 0; i++)
		usleep(50000);
}

static const char restore_usage[] =
	"usage: wlcr restore DIR\n"
	"\n"
	"Restores what wlcr dump (or criu dump with the plugin) wrote into DIR, detached.\n"
	"Its Wayland connections go to the proxy they came from, or to the one WLCR_SOCKET\n"
	"names (the path of its Wayland socket). Waits for the old pids to be free first.\n"
	"File locks the app held are taken again (criu --file-locks): the restore fails\n"
	"if another process holds one now.\n"
	"criu's log: DIR/restore.log.\n";

int wlcr_cmd_restore(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		int help = argc == 2 && strcmp(argv[1], "--help") == 0;
		fputs(restore_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	const char *dir = argv[1];
	char lib[PATH_MAX];
	/* the pids must be free: on the same host, the old tree may still be
	 * on its way out (pid 1 reaps orphans late) */
	int dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_ < 0) {
		fprintf(stderr, "wlcr restore: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	/* this dump's images: a reused directory may hold older ones, whose
	 * pids are no business of this restore */
	unsigned long long *inos = NULL;
	size_t n = 0;
	char err[512] = "";
	int ret = wlcr_manifest_read(dirfd_, &inos, &n, err, sizeof(err));
	if (ret == -ENOENT) {
		err[0] = '\0';
		ret = wlcr_image_list(dirfd_, &inos, &n);
	}
	if (ret < 0) {
		fprintf(stderr, "wlcr restore: %s: %s\n", dir, err[0] ? err : strerror(-ret));
		close(dirfd_);
		return 1;
	}
	unsigned images = 0;
	for (size_t i = 0; i < n; i++) {
		char name[64];
		Image *img = NULL;
		wlcr_image_name(name, sizeof(name), inos[i]);
		if (wlcr_image_read(dirfd_, name, &img, err, sizeof(err)) < 0) {
			fprintf(stderr, "wlcr restore: %s\n", err);
			free(inos);
			close(dirfd_);
			return 1;
		}
		wait_gone(img->pid);
		image__free_unpacked(img, NULL);
		images++;
	}
	free(inos);
	close(dirfd_);
	char *args[] = { "criu", "restore", "-D", (char *)dir, "-d", "--lib",
			 (char *)wlcr_criu_plugin_dir(lib, sizeof(lib)), "-v4", "-o", "restore.log",
			 /* locks in the images are taken again; none: no effect */
			 "--file-locks", NULL };
	double t0 = now_ms();
	ret = 0;
	struct log_facts f;
	for (int attempt = 0; attempt < 5; attempt++) {
		ret = run(args);
		read_log(dir, "restore.log", false, &f);
		if (ret == 0 || !f.fork_busy_pid)
			break;
		/* a pid of the old tree was not free yet */
		wait_gone(f.fork_busy_pid);
	}
	double t1 = now_ms();
	if (ret != 0) {
		fprintf(stderr, "wlcr restore: criu restore from %s failed (exit %d):\n", dir, ret);
		read_log(dir, "restore.log", true, &f);
		return 1;
	}
	printf("restored %s in %.0f ms (%u Wayland connection%s; wlcr plugin and replay: %.1f "
	       "ms)\n",
	       dir, t1 - t0, images, images == 1 ? "" : "s", f.plugin_ms);
	return 0;
}
