#include "image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void wlcr_image_name(char *buf, size_t cap, unsigned long long ino)
{
	snprintf(buf, cap, "wayland-%llu.img", ino);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int wlcr_image_write(int dirfd, const char *name, const Image *img, char *err, size_t errlen)
{
	size_t len = image__get_packed_size(img);
	if (len > WLCR_IMAGE_MAX) {
		snprintf(err, errlen, "%s: image of %zu bytes is over the %u-byte limit", name, len,
			 WLCR_IMAGE_MAX);
		return -EFBIG;
	}
	uint8_t *buf = malloc(16 + len);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	memcpy(buf, WLCR_IMAGE_MAGIC, 8);
	put32(buf + 8, WLCR_IMAGE_VERSION);
	put32(buf + 12, (uint32_t)len);
	image__pack(img, buf + 16);
	int ret = 0;
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		ret = -errno;
	if (ret == 0)
		ret = write_all(fd, buf, 16 + len);
	if (fd >= 0 && close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret < 0)
		snprintf(err, errlen, "%s: cannot write: %s", name, strerror(-ret));
	free(buf);
	return ret;
}

int wlcr_image_read(int dirfd, const char *name, Image **ret, char *err, size_t errlen)
{
	uint8_t hdr[16];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot open: %s", name, strerror(e));
		return -e;
	}
	ssize_t n = read(fd, hdr, sizeof(hdr));
	int r = -EINVAL;
	uint8_t *buf = NULL;
	if (n < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", name, strerror(errno));
		goto out;
	}
	if (n < 16) {
		snprintf(err, errlen, "%s: truncated: %zd bytes, not even a header", name, n);
		goto out;
	}
	if (memcmp(hdr, WLCR_IMAGE_MAGIC, 8) != 0) {
		snprintf(err, errlen, "%s: not a wlcr image (bad magic)", name);
		goto out;
	}
	uint32_t version = get32(hdr + 8), len = get32(hdr + 12);
	if (version != WLCR_IMAGE_VERSION) {
		snprintf(err, errlen, "%s: image format version %u, this wlcr reads version %u%s",
			 name, version, WLCR_IMAGE_VERSION,
			 version > WLCR_IMAGE_VERSION
				 ? ": use a newer wlcr"
				 : ": made by an older wlcr, which this one cannot restore");
		goto out;
	}
	if (len > WLCR_IMAGE_MAX) {
		snprintf(err, errlen, "%s: corrupt: payload length %u is over the limit", name,
			 len);
		goto out;
	}
	buf = malloc(len ? len : 1);
	if (!buf) {
		r = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", name);
		goto out;
	}
	size_t got = 0;
	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < len) {
		snprintf(err, errlen, "%s: truncated: %zu of %u payload bytes", name, got, len);
		goto out;
	}
	uint8_t extra;
	if (read(fd, &extra, 1) > 0) {
		snprintf(err, errlen, "%s: corrupt: bytes after the payload", name);
		goto out;
	}
	Image *img = image__unpack(NULL, len, buf);
	if (!img) {
		snprintf(err, errlen, "%s: corrupt: the payload is not a valid Image", name);
		goto out;
	}
	*ret = img;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

int wlcr_image_name_ino(const char *name, unsigned long long *ret_ino)
{
	unsigned long long ino;
	int end = 0;
	if (sscanf(name, "wayland-%llu.img%n", &ino, &end) != 1 || end == 0 || name[end] ||
	    strncmp(name, "wayland-", 8) != 0 || name[8] < '0' || name[8] > '9')
		return 0;
	*ret_ino = ino;
	return 1;
}

int wlcr_manifest_write(int dirfd, const unsigned long long *inos, size_t n, char *err,
			size_t errlen)
{
	static const char tmp[] = WLCR_MANIFEST ".tmp";
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot write: %s", WLCR_MANIFEST, strerror(e));
		return -e;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		int e = errno;
		close(fd);
		unlinkat(dirfd, tmp, 0);
		snprintf(err, errlen, "%s: cannot write: %s", WLCR_MANIFEST, strerror(e));
		return -e;
	}
	fprintf(f, "wlcr-manifest %d\n", WLCR_MANIFEST_VERSION);
	for (size_t i = 0; i < n; i++) {
		char name[64];
		wlcr_image_name(name, sizeof(name), inos[i]);
		fprintf(f, "%s\n", name);
	}
	int ret = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && renameat(dirfd, tmp, dirfd, WLCR_MANIFEST) < 0)
		ret = -errno;
	if (ret < 0) {
		unlinkat(dirfd, tmp, 0);
		snprintf(err, errlen, "%s: cannot write: %s", WLCR_MANIFEST, strerror(-ret));
	}
	return ret;
}

int wlcr_manifest_read(int dirfd, unsigned long long **ret_inos, size_t *ret_n, char *err,
		       size_t errlen)
{
	int fd = openat(dirfd, WLCR_MANIFEST, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot open: %s", WLCR_MANIFEST, strerror(e));
		return -e;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		int e = errno;
		close(fd);
		snprintf(err, errlen, "%s: cannot read: %s", WLCR_MANIFEST, strerror(e));
		return -e;
	}
	char line[128];
	int version = 0, ret = 0;
	size_t n = 0;
	unsigned long long *inos = NULL;
	if (!fgets(line, sizeof(line), f) || sscanf(line, "wlcr-manifest %d", &version) != 1) {
		snprintf(err, errlen, "%s: not a wlcr manifest", WLCR_MANIFEST);
		ret = -EINVAL;
	} else if (version != WLCR_MANIFEST_VERSION) {
		snprintf(err, errlen, "%s: manifest version %d, this wlcr reads version %d",
			 WLCR_MANIFEST, version, WLCR_MANIFEST_VERSION);
		ret = -EINVAL;
	}
	while (ret == 0 && fgets(line, sizeof(line), f)) {
		unsigned long long ino;
		line[strcspn(line, "\n")] = '\0';
		if (!wlcr_image_name_ino(line, &ino)) {
			snprintf(err, errlen, "%s: corrupt: line %zu is not an image name",
				 WLCR_MANIFEST, n + 2);
			ret = -EINVAL;
			break;
		}
		if (n == WLCR_MANIFEST_MAX) {
			snprintf(err, errlen, "%s: corrupt: more than %d images", WLCR_MANIFEST,
				 WLCR_MANIFEST_MAX);
			ret = -EINVAL;
			break;
		}
		unsigned long long *more = realloc(inos, (n + 1) * sizeof(*inos));
		if (!more) {
			snprintf(err, errlen, "%s: out of memory", WLCR_MANIFEST);
			ret = -ENOMEM;
			break;
		}
		inos = more;
		inos[n++] = ino;
	}
	fclose(f);
	if (ret < 0) {
		free(inos);
		return ret;
	}
	*ret_inos = inos;
	*ret_n = n;
	return 0;
}

int wlcr_manifest_remove(int dirfd)
{
	return unlinkat(dirfd, WLCR_MANIFEST, 0) < 0 && errno != ENOENT ? -errno : 0;
}

int wlcr_image_list(int dirfd, unsigned long long **ret_inos, size_t *ret_n)
{
	int dup = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
	if (!d) {
		int e = errno;
		if (dup >= 0)
			close(dup);
		return -e;
	}
	unsigned long long *inos = NULL, ino;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!wlcr_image_name_ino(e->d_name, &ino))
			continue;
		unsigned long long *more = realloc(inos, (n + 1) * sizeof(*inos));
		if (!more) {
			free(inos);
			closedir(d);
			return -ENOMEM;
		}
		inos = more;
		inos[n++] = ino;
	}
	closedir(d);
	*ret_inos = inos;
	*ret_n = n;
	return 0;
}
