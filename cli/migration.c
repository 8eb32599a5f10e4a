#include "migration.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"
#include "ctl.h"

#define PIPE_MAX_PATH "/proc/sys/fs/pipe-max-size"
#define PIPE_NEEDED   (4u * 1024 * 1024)

uint64_t wlcr_mig_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int wlcr_mig_pipe_size(char *err, size_t errlen)
{
	unsigned long cur = 0;
	FILE *f = fopen(PIPE_MAX_PATH, "re");
	if (!f || fscanf(f, "%lu", &cur) != 1) {
		if (f)
			fclose(f);
		snprintf(err, errlen, "cannot read %s", PIPE_MAX_PATH);
		return -EIO;
	}
	fclose(f);
	if (cur >= PIPE_NEEDED)
		return 0;
	f = fopen(PIPE_MAX_PATH, "we");
	if (!f || fprintf(f, "%u\n", PIPE_NEEDED) < 0 || fclose(f) != 0) {
		snprintf(err, errlen,
			 "fs.pipe-max-size is %lu and cannot be raised to %u (CRIU's page "
			 "transfer needs it): sysctl -w fs.pipe-max-size=%u",
			 cur, PIPE_NEEDED, PIPE_NEEDED);
		return -EPERM;
	}
	fprintf(stderr, "wlcr: raised fs.pipe-max-size from %lu to %u for CRIU's page transfer\n",
		cur, PIPE_NEEDED);
	return 0;
}

int wlcr_mig_proxy_clients(const char *proxy_path, const pid_t *pids, size_t n, uint64_t *ret_first,
			   uint64_t *ret_last, unsigned *ret_found, char *ret_reason,
			   size_t reason_len, char *err, size_t errlen)
{
	char ctl_path[128], why[512];
	*ret_first = *ret_last = 0;
	*ret_found = 0;
	if (ret_reason)
		ret_reason[0] = '\0';
	if (wlcr_ctl_path(ctl_path, sizeof(ctl_path), proxy_path) < 0) {
		snprintf(err, errlen, "path too long: %s", proxy_path);
		return -ENAMETOOLONG;
	}
	int fd = wlcr_ctl_connect(ctl_path, WLCR_CTL_TIMEOUT_MS);
	if (fd < 0) {
		snprintf(err, errlen, "no wlcr-proxy answers at %s: %s", ctl_path, strerror(-fd));
		return fd;
	}
	CtlRequest req = CTL_REQUEST__INIT;
	CtlReply *reply = NULL;
	req.op = CTL_OP__CTL_LIST;
	int ret = wlcr_ctl_call(fd, &req, &reply, why, sizeof(why));
	close(fd);
	if (ret < 0) {
		snprintf(err, errlen, "wlcr-proxy %s: %s", proxy_path, why);
		return ret;
	}
	for (size_t i = 0; i < reply->n_clients; i++) {
		const CtlClient *c = reply->clients[i];
		bool ours = false;
		for (size_t j = 0; j < n && !ours; j++)
			ours = c->pid == pids[j];
		if (!ours)
			continue;
		(*ret_found)++;
		if (c->has_first_commit_ns && c->first_commit_ns &&
		    (!*ret_first || c->first_commit_ns < *ret_first))
			*ret_first = c->first_commit_ns;
		if (c->has_last_commit_ns && c->last_commit_ns > *ret_last)
			*ret_last = c->last_commit_ns;
		if (ret_reason && !c->checkpointable && !ret_reason[0])
			snprintf(ret_reason, reason_len, "%s",
				 c->not_checkpointable_reason ? c->not_checkpointable_reason
							      : "not checkpointable");
	}
	ctl_reply__free_unpacked(reply, NULL);
	return 0;
}

int wlcr_mig_workdir(char *buf, size_t cap, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(buf, cap, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/var/tmp", prefix);
	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	return mkdtemp(buf) ? 0 : -errno;
}

static void rmdir_depth(const char *dir, unsigned depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		/* pre-copy rounds are directories of their own; links stay links */
		if (e->d_type == DT_DIR && depth) {
			char sub[PATH_MAX];
			snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
			rmdir_depth(sub, depth - 1);
		} else {
			unlinkat(dirfd(d), e->d_name, 0);
		}
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

void wlcr_mig_rmdir(const char *dir)
{
	rmdir_depth(dir, 1);
}

static bool skipped(const char *name)
{
	size_t n = strlen(name);
	/* criu's logs stay where they were written; its socket too */
	return name[0] == '.' || (n > 4 && strcmp(name + n - 4, ".log") == 0) ||
	       strcmp(name, "lazy-pages.socket") == 0;
}

static int send_file(struct wlcr_tls *t, int dirfd, const char *name, uint64_t *bytes)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	uint8_t *buf = malloc(WLCR_MIG_CHUNK);
	int ret = buf ? 0 : -ENOMEM;
	uint64_t off = 0;
	bool first = true;
	while (ret == 0) {
		ssize_t n = read(fd, buf, WLCR_MIG_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		/* an empty file is sent too, as one empty piece */
		if (n == 0 && !first)
			break;
		MigMsg m = MIG_MSG__INIT;
		m.op = MIG_OP__MIG_FILE;
		m.name = (char *)name;
		m.has_offset = true;
		m.offset = off;
		m.has_data = true;
		m.data.data = buf;
		m.data.len = (size_t)n;
		ret = wlcr_chan_send(t, &m);
		off += (uint64_t)n;
		first = false;
		if (n == 0)
			break;
	}
	*bytes += off;
	free(buf);
	close(fd);
	return ret;
}

int wlcr_mig_send_dir(struct wlcr_tls *t, const char *dir, uint64_t *bytes)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct dirent *e;
	int ret = 0;
	while (ret == 0 && (e = readdir(d))) {
		struct stat st;
		if (skipped(e->d_name) || fstatat(dirfd(d), e->d_name, &st, 0) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		ret = send_file(t, dirfd(d), e->d_name, bytes);
	}
	closedir(d);
	return ret;
}

int wlcr_mig_write_file(const char *dir, const char *name, uint64_t offset, const uint8_t *data,
			size_t len, char *err, size_t errlen)
{
	/* a peer names files in our directory, nowhere else */
	if (!name || !*name || name[0] == '.' || strchr(name, '/') || strlen(name) > 200) {
		snprintf(err, errlen, "refused an image file named \"%s\"", name ? name : "");
		return -EINVAL;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (offset ? 0 : O_EXCL),
		      0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	for (size_t done = 0; done < len;) {
		ssize_t n = pwrite(fd, data + done, len - done, (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			snprintf(err, errlen, "%s: %s", path, strerror(e));
			close(fd);
			return -e;
		}
		done += (size_t)n;
	}
	close(fd);
	return 0;
}

uint64_t wlcr_mig_dir_bytes(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t total = 0;
	size_t plen = strlen(prefix);
	while (d && (e = readdir(d))) {
		struct stat st;
		if (strncmp(e->d_name, prefix, plen) == 0 &&
		    fstatat(dirfd(d), e->d_name, &st, 0) == 0)
			total += (uint64_t)st.st_size;
	}
	if (d)
		closedir(d);
	return total;
}
