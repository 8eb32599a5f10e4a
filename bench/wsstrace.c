/* wlcr-wsstrace: records an app's write working set over time, the input
 * of the pre-copy planner, as a trace that bench/precopy-sim replays.
 *
 * usage: wlcr-wsstrace [--samples N] [--seconds S] [--name NAME] [--dir DIR] PID
 *
 * The patched CRIU's tracker does the tracking: each sample starts with a
 * `criu pre-dump --track-mem` of PID's tree (the first leaves a tracker in
 * every task, each one write-protects every page it saved), exactly as a
 * pre-copy round does. Then, while the app runs, this reads the tracker's
 * state from outside without changing it: PAGEMAP_SCAN on
 * /proc/TID/pagemap reports a page PAGE_IS_WRITTEN once the app wrote it
 * after the protection. The count of written pages at t seconds after the
 * pre-dump let the app run again is M(t), the pages a round of that length
 * would find written. S seconds per sample (default 6), N samples (default
 * 4), then `criu track-mem-stop` ends the chain.
 *
 * What is counted is what CRIU's tracking covers: private anonymous
 * memory registered with the tracker (VmFlags "uw" in smaps), where a
 * written page is present or swapped, not the zero page; a private
 * anonymous mapping the tracker does not cover (made after the pre-dump)
 * counts all its pages, as the next pre-dump would send them. Shared
 * memory (wl_shm pools in memfds) is not tracked this way and not counted.
 *
 * The trace goes to stdout: a header, then per sample the lines "t_ms
 * pages" at 5 ms steps up to 100 ms, 25 ms steps up to 1 s, 100 ms steps
 * beyond. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PAGEMAP_SCAN
/* Linux 6.7's uapi (linux/fs.h), newer than this system's headers */
#define PAGE_IS_WRITTEN (1 << 1)
#define PAGE_IS_FILE	(1 << 2)
#define PAGE_IS_PRESENT (1 << 3)
#define PAGE_IS_SWAPPED (1 << 4)
#define PAGE_IS_PFNZERO (1 << 5)
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#endif

#define PAGE	 4096
#define MAX_PIDS 64
#define NREGS	 4096

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* PID and its descendants (the tree criu dumps), in pids. */
static size_t tree(pid_t pid, pid_t *pids, size_t n, size_t cap)
{
	char path[64];
	if (n >= cap)
		return n;
	pids[n++] = pid;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char cpath[320];
		snprintf(cpath, sizeof(cpath), "/proc/%d/task/%s/children", pid, e->d_name);
		FILE *f = fopen(cpath, "re");
		long c;
		while (f && fscanf(f, "%ld", &c) == 1)
			n = tree((pid_t)c, pids, n, cap);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

/* Written pages of one process: its tracked VMAs' written pages, and
 * every page of its private anonymous VMAs the tracker does not cover. */
static long long written_of(pid_t pid, struct page_region *regs)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	FILE *f = fopen(path, "re");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	int pm = open(path, O_RDONLY | O_CLOEXEC);
	long long total = 0;
	unsigned long long start = 0, end = 0;
	bool anon_private = false;
	while (f && pm >= 0 && fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		char perms[8], name[300] = "";
		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %299s", &s, &e, perms, name) >= 3 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			start = s;
			end = e;
			anon_private = perms[3] == 'p' && (name[0] == '\0' || name[0] == '[');
			continue;
		}
		if (strncmp(line, "VmFlags:", 8) != 0 || !anon_private)
			continue;
		bool tracked = strstr(line, " uw") != NULL;
		struct pm_scan_arg a = {
			.size = sizeof(a),
			.start = start,
			.end = end,
			.vec = (uintptr_t)regs,
			.vec_len = NREGS,
			/* in RAM or swap, neither the zero page nor a file's */
			.category_inverted = PAGE_IS_PFNZERO | PAGE_IS_FILE,
			.category_mask =
				PAGE_IS_PFNZERO | PAGE_IS_FILE | (tracked ? PAGE_IS_WRITTEN : 0),
			.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
			.return_mask = PAGE_IS_WRITTEN,
		};
		while (a.start < a.end) {
			long nr = ioctl(pm, PAGEMAP_SCAN, &a);
			if (nr < 0)
				break;
			for (long i = 0; i < nr; i++)
				total += (long long)((regs[i].end - regs[i].start) / PAGE);
			if (a.walk_end <= a.start)
				break;
			a.start = a.walk_end;
		}
	}
	if (pm >= 0)
		close(pm);
	if (f)
		fclose(f);
	return total;
}

static long long written(const pid_t *pids, size_t n, struct page_region *regs)
{
	long long t = 0;
	for (size_t i = 0; i < n; i++)
		t += written_of(pids[i], regs);
	return t;
}

/* A criu run: spawned, then watched through its log, which it writes as it
 * goes: the moment it lets the tasks run again starts a sample's clock,
 * while it still drains the pages it saved. */
struct run {
	pid_t pid;
	double start;	 /* when it was spawned */
	double unfrozen; /* s after start its log says it unfroze the tasks (-1: not yet) */
	double frozen;	 /* s it kept them frozen */
	int status;	 /* its exit status, once reaped (-1 before) */
};

static int spawn(struct run *r, char *const *argv)
{
	r->start = now_s();
	r->unfrozen = -1;
	r->frozen = 0;
	r->status = -1;
	r->pid = fork();
	if (r->pid < 0)
		return -1;
	if (r->pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp("criu", argv);
		_exit(127);
	}
	return 0;
}

/* Reaps it if it exited (wait: until it does). */
static void reap(struct run *r, bool wait)
{
	int st;
	if (r->status >= 0)
		return;
	if (waitpid(r->pid, &st, wait ? 0 : WNOHANG) == r->pid)
		r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Reads its log for the unfreezing; 1 once seen. */
static int unfrozen(struct run *r, const char *log)
{
	FILE *f = fopen(log, "re");
	char line[512];
	double seized = -1;
	while (f && fgets(line, sizeof(line), f)) {
		double t;
		if (sscanf(line, "(%lf)", &t) != 1)
			continue;
		if (seized < 0 && strstr(line, "Seized task"))
			seized = t;
		if (strstr(line, "Unfreezing tasks")) {
			r->unfrozen = t;
			r->frozen = seized >= 0 ? t - seized : 0;
		}
	}
	if (f)
		fclose(f);
	return r->unfrozen >= 0;
}

static void sleep_s(double s)
{
	if (s > 0)
		nanosleep(&(struct timespec){ (time_t)s, (long)((s - (time_t)s) * 1e9) }, NULL);
}

/* the sample times, ms */
static int next_t(int t)
{
	return t < 100 ? t + 5 : t < 1000 ? t + 25 : t + 100;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "samples", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'a' },
		{ "dir", required_argument, NULL, 'd' },
		{ 0 },
	};
	int samples = 4, c;
	double seconds = 6;
	const char *name = "app", *base = "/var/tmp";
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			samples = atoi(optarg);
			break;
		case 's':
			seconds = atof(optarg);
			break;
		case 'a':
			name = optarg;
			break;
		case 'd':
			base = optarg;
			break;
		default:
			fprintf(stderr, "usage: wlcr-wsstrace [--samples N] [--seconds S] "
					"[--name NAME] [--dir DIR] PID\n");
			return 2;
		}
	}
	if (optind != argc - 1 || samples < 1 || samples > 64 || seconds <= 0) {
		fprintf(stderr, "usage: wlcr-wsstrace [--samples N] [--seconds S] [--name NAME] "
				"[--dir DIR] PID\n");
		return 2;
	}
	char pidarg[16], dir[PATH_MAX], img[PATH_MAX + 16], prev[32], log[PATH_MAX + 32];
	snprintf(pidarg, sizeof(pidarg), "%s", argv[optind]);
	pid_t pid = (pid_t)atoi(pidarg);
	snprintf(dir, sizeof(dir), "%s/wlcr-wsstrace.XXXXXX", base);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	struct page_region *regs = calloc(NREGS, sizeof(*regs));
	pid_t pids[MAX_PIDS];
	size_t npids = tree(pid, pids, 0, MAX_PIDS);
	long long memory = 0;
	for (size_t i = 0; i < npids; i++) {
		char path[64], line[256];
		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pids[i]);
		FILE *f = fopen(path, "re");
		long long kb;
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "Anonymous: %lld kB", &kb) == 1)
				memory += kb * 1024;
		if (f)
			fclose(f);
	}
	time_t now = time(NULL);
	char date[32];
	strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&now));
	printf("# wlcr write-working-set trace (bench/wsstrace.c), recorded %s\n", date);
	printf("# M(t): private anonymous pages written within t ms of a pre-dump that let "
	       "the app run again\n");
	printf("app %s\nmemory %lld\nprocesses %zu\n", name, memory, npids);
	int ret = 0;
	for (int k = 0; k < samples; k++) {
		snprintf(img, sizeof(img), "%s/%d", dir, k);
		mkdir(img, 0700);
		snprintf(prev, sizeof(prev), "../%d", k - 1);
		snprintf(log, sizeof(log), "%s/pre-dump.log", img);
		char *av[] = { "criu",
			       "pre-dump",
			       "-t",
			       pidarg,
			       "-D",
			       img,
			       "--track-mem",
			       "-v4",
			       "-o",
			       "pre-dump.log",
			       k ? "--prev-images-dir" : NULL,
			       prev,
			       NULL };
		struct run r;
		if (spawn(&r, av) < 0) {
			perror("fork");
			ret = 1;
			break;
		}
		while (!unfrozen(&r, log)) {
			reap(&r, false);
			if (r.status >= 0)
				break;
			sleep_s(0.001);
		}
		if (r.unfrozen < 0) {
			fprintf(stderr, "wlcr-wsstrace: criu pre-dump failed, see %s\n", log);
			ret = 1;
			break;
		}
		/* the round's clock starts when the app runs again */
		double t0 = r.start + r.unfrozen;
		printf("sample %d freeze_ms %.1f\n", k, r.frozen * 1e3);
		for (int t = 0; t <= seconds * 1000; t = next_t(t)) {
			sleep_s(t0 + t / 1e3 - now_s());
			double at = (now_s() - t0) * 1e3;
			long long w = written(pids, npids, regs);
			printf("%.0f %lld\n", at < 0 ? 0 : at, w);
			reap(&r, false);
		}
		reap(&r, true);
		if (r.status != 0) {
			fprintf(stderr, "wlcr-wsstrace: criu pre-dump failed, see %s\n", log);
			ret = 1;
			break;
		}
		fflush(stdout);
		/* the images of the sample before are not needed again */
		if (k > 0) {
			char old[PATH_MAX + 64];
			snprintf(old, sizeof(old), "rm -rf '%s/%d'/pages-*.img", dir, k - 1);
			(void)!system(old);
		}
	}
	char *stop[] = { "criu", "track-mem-stop", "-t", pidarg, NULL };
	struct run r;
	if (spawn(&r, stop) == 0)
		reap(&r, true);
	if (r.status != 0) {
		fprintf(stderr, "wlcr-wsstrace: criu track-mem-stop -t %s failed\n", pidarg);
		ret = 1;
	}
	char rm[PATH_MAX + 64];
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	(void)!system(rm);
	free(regs);
	return ret;
}
