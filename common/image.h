/* The image file: one per claimed socket, wayland-<ino>.img in criu's image
 * directory. 8 bytes "WLCRIMG\0", a little-endian u32 format version, a u32
 * payload length, then a protobuf Image (proto/wlcr.proto). Every error
 * names the file and says why, for criu's log and for wlcr show. */
#ifndef WLCR_IMAGE_H
#define WLCR_IMAGE_H

#include <stddef.h>

#include "wlcr.pb-c.h"

#define WLCR_IMAGE_MAGIC "WLCRIMG"
/* 2: a bind in the journal names the global by the app's name (JGlobal) */
#define WLCR_IMAGE_VERSION 2
/* far above any real journal; a bound so a corrupt length cannot make us
 * allocate gigabytes */
#define WLCR_IMAGE_MAX (256u * 1024 * 1024)

/* "wayland-<ino>.img" */
void wlcr_image_name(char *buf, size_t cap, unsigned long long ino);

/* Writes img to name under dirfd (AT_FDCWD for a path). Returns 0 or -errno
 * with err filled in. */
int wlcr_image_write(int dirfd, const char *name, const Image *img, char *err, size_t errlen);
/* Reads and checks an image. Returns 0 with *ret (free with
 * image__free_unpacked) or -errno / -EINVAL with err saying which file and
 * why: missing, truncated, not a wlcr image, a newer format, corrupt. */
int wlcr_image_read(int dirfd, const char *name, Image **ret, char *err, size_t errlen);

#endif
