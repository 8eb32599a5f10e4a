/* A client's journal to and from the image's Journal message. Everything
 * built here is malloc'ed, so image__free_unpacked() frees it. */
#ifndef WLCR_SNAPSHOT_H
#define WLCR_SNAPSHOT_H

#include <sys/types.h>

#include "journal.h"
#include "wlcr.pb-c.h"

/* Fills img->journal and img->pools from j (pid: where to look for the
 * pools' mappings). Returns 0 or -ENOMEM. */
int wlcr_snapshot_build(const struct wlcr_journal *j, pid_t pid, Image *img);

/* Rebuilds a journal from an image: objects, their state and zombies.
 * Pools get no fd here (the replay brings them). Returns 0 or -EINVAL with
 * err saying which object is malformed. */
int wlcr_snapshot_load(struct wlcr_journal *j, const Image *img, char *err, size_t errlen);

#endif
