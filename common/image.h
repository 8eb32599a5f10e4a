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

/* The manifest, wlcr-manifest beside the images: the images one dump wrote,
 * one "wayland-<ino>.img" a line after a "wlcr-manifest 1" line. A checkpoint
 * directory can be reused (podman does), so images of an earlier dump may
 * sit beside this one's; only those the manifest names belong to it. */
#define WLCR_MANIFEST	      "wlcr-manifest"
#define WLCR_MANIFEST_VERSION 1
/* far above the connections one dump holds (the plugin allows 64) */
#define WLCR_MANIFEST_MAX 4096

/* Replaces the manifest under dirfd with one naming the n inodes (written
 * to a temporary file and renamed, so a reader never sees half of it).
 * Returns 0 or -errno with err filled in. */
int wlcr_manifest_write(int dirfd, const unsigned long long *inos, size_t n, char *err,
			size_t errlen);
/* Reads the manifest under dirfd. Returns 0 with *ret_inos (free() it) and
 * *ret_n, -ENOENT when there is none, or -errno / -EINVAL with err saying
 * why. */
int wlcr_manifest_read(int dirfd, unsigned long long **ret_inos, size_t *ret_n, char *err,
		       size_t errlen);
/* Every wayland-<ino>.img under dirfd (for a dump without a manifest).
 * Returns 0 with *ret_inos (free() it) and *ret_n, or -errno. */
int wlcr_image_list(int dirfd, unsigned long long **ret_inos, size_t *ret_n);
/* Removes the manifest under dirfd, if any. Returns 0 or -errno. */
int wlcr_manifest_remove(int dirfd);
/* The inode an image's name stands for: 1 with *ret_ino for
 * "wayland-<ino>.img", 0 for any other name. */
int wlcr_image_name_ino(const char *name, unsigned long long *ret_ino);

#endif
