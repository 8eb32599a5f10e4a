#include "restore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "protocols.h"
#include "proxy.h"
#include "snapshot.h"
#include "upstream.h"

/* an image registered by CTL_RESTORE, waiting for its connection */
struct wlcr_restore {
	struct wlcr_restore *next;
	Image *img;
};

int wlcr_restore_register(struct wlcr_proxy *proxy, Image *img, char *err, size_t errlen)
{
	if (img->token.len != 16 || !img->journal) {
		snprintf(err, errlen, "image without a token or a journal");
		goto fail;
	}
	for (struct wlcr_restore *r = proxy->restores; r; r = r->next)
		if (memcmp(r->img->token.data, img->token.data, 16) == 0) {
			/* criu retried: the newer registration wins */
			image__free_unpacked(r->img, NULL);
			r->img = img;
			return 0;
		}
	/* everything the journal names must be known here */
	struct wlcr_journal probe;
	if (wlcr_journal_init(&probe) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	int ret = wlcr_snapshot_load(&probe, img, err, errlen);
	wlcr_journal_finish(&probe);
	if (ret < 0)
		goto fail;
	/* a core global the app bound must exist on this compositor; the
	 * proxy learns the compositor's globals from its clients, so an
	 * empty table is checked again during the replay */
	const struct wlcr_registry *reg = &proxy->upstream->registry;
	for (size_t i = 0; reg->nglobals && i < img->journal->n_objects; i++) {
		const JObject *o = img->journal->objects[i];
		if (!o->interface || !wlcr_replay_core_global(o->interface))
			continue;
		bool found = false;
		for (size_t g = 0; g < reg->nglobals; g++)
			found |= strcmp(reg->globals[g].interface, o->interface) == 0 &&
				 reg->globals[g].upstream_name;
		if (!found) {
			snprintf(err, errlen, "the compositor at %s has no %s, which the app needs",
				 proxy->upstream->path, o->interface);
			goto fail;
		}
	}
	struct wlcr_restore *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	r->img = img;
	r->next = proxy->restores;
	proxy->restores = r;
	wlcr_info("restore of pid %d registered: %zu objects", img->pid, img->journal->n_objects);
	return 0;
fail:
	image__free_unpacked(img, NULL);
	return -EINVAL;
}

void wlcr_restore_finish_all(struct wlcr_proxy *proxy)
{
	while (proxy->restores) {
		struct wlcr_restore *r = proxy->restores;
		proxy->restores = r->next;
		image__free_unpacked(r->img, NULL);
		free(r);
	}
}

static int queue_raw(struct wlcr_client *c, const ProtobufCBinaryData *b, unsigned nfds)
{
	int fds[WLCR_MAX_FDS_OUT];
	/* fds that were in flight cannot be restored; /dev/null keeps the
	 * app's fd queue in step with its messages */
	if (nfds > WLCR_MAX_FDS_OUT)
		nfds = WLCR_MAX_FDS_OUT;
	for (unsigned i = 0; i < nfds; i++)
		fds[i] = open("/dev/null", O_RDWR | O_CLOEXEC);
	return wlcr_conn_write(&c->down, b->data, b->len, fds, nfds);
}

bool wlcr_restore_claim(struct wlcr_client *c, const uint8_t *msg, uint16_t size)
{
	struct wlcr_proxy *proxy = c->proxy;
	if (size != 8 + 16)
		return false;
	struct wlcr_restore **pp = &proxy->restores;
	for (; *pp; pp = &(*pp)->next)
		if (memcmp((*pp)->img->token.data, msg + 8, 16) == 0)
			break;
	if (!*pp)
		return false;
	struct wlcr_restore *r = *pp;
	Image *img = r->img;
	char err[256];
	/* the journal is as it was at the dump */
	wlcr_journal_finish(&c->journal);
	if (wlcr_journal_init(&c->journal) < 0 ||
	    wlcr_snapshot_load(&c->journal, img, err, sizeof(err)) < 0 ||
	    wlcr_objmap_reserve(&c->journal.map, img->journal->next_id) < 0) {
		wlcr_err("client %u: cannot load its journal: %s", c->index, err);
		return false;
	}
	*pp = r->next;
	free(r);
	memcpy(c->restore_token, img->token.data, 16);
	c->state = WLCR_CLIENT_RESTORED;
	/* what the app had not read yet comes first, then what the proxy had
	 * not sent it; a request it had half sent is completed by its next
	 * bytes */
	if ((img->has_unread && queue_raw(c, &img->unread, img->unread_fds) < 0) ||
	    (img->has_to_client && queue_raw(c, &img->to_client, 0) < 0) ||
	    (img->has_partial_request && wlcr_conn_in_append(&c->down, img->partial_request.data,
							     img->partial_request.len) < 0))
		wlcr_warn("client %u: out of memory for its pending bytes", c->index);
	wlcr_info("client %u: restored connection of pid %d (was pid %d), %zu objects", c->index,
		  (int)c->pid, img->pid, img->journal->n_objects);
	image__free_unpacked(img, NULL);
	return true;
}

bool wlcr_restore_waits(const struct wlcr_client *c, const uint8_t *token, size_t token_len)
{
	return !c->dead && c->state == WLCR_CLIENT_RESTORED && token_len == 16 &&
	       memcmp(c->restore_token, token, 16) == 0;
}

/* CLOCK_MONOTONIC offset of the task's time namespace, in ms (criu restores
 * tasks into one so that their clocks go on from where they were). */
static int64_t time_offset_ms(int pid)
{
	char path[64], line[128];
	int64_t ms = 0;
	snprintf(path, sizeof(path), "/proc/%d/timens_offsets", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		long long sec, nsec;
		if (sscanf(line, "monotonic %lld %lld", &sec, &nsec) == 2)
			ms = sec * 1000 + nsec / 1000000;
	}
	fclose(f);
	return ms;
}

int wlcr_restore_replay(struct wlcr_client *c, const int *fds, size_t nfds, int pid,
			struct wlcr_replay_end end, char *err, size_t errlen)
{
	struct wlcr_replay_params p = {
		.pool_fds = fds,
		.npools = nfds,
		.time_offset_ms = pid > 0 ? time_offset_ms(pid) : 0,
		.end = end,
	};
	return wlcr_replay_start(c, &p, err, errlen);
}
