#include "image.h"

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
