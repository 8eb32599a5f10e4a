#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "image.h"
#include "protocols.h"

static const char usage[] = "usage: wlcr show IMAGE\n"
			    "\n"
			    "Prints a wayland-<ino>.img written by the CRIU plugin: the app, the\n"
			    "proxy, and every object of its journal with its state.\n";

static const char *message_name(const char *iface, uint32_t slot, int events)
{
	const struct wlcr_interface *it = iface ? wlcr_interface_find(iface) : NULL;
	if (!it)
		return "?";
	if (events)
		return slot < it->nevents ? it->events[slot].name : "?";
	return slot < it->nrequests ? it->requests[slot].name : "?";
}

static void print_state(const char *label, const JSurfaceState *s)
{
	if (!s)
		return;
	printf("      %s:", label);
	if (s->attached)
		printf(" buffer %u (%d,%d)", s->buffer, s->dx, s->dy);
	if (s->damaged)
		printf(" damaged");
	if (s->scale != 1)
		printf(" scale %d", s->scale);
	if (s->transform)
		printf(" transform %d", s->transform);
	if (s->opaque_set)
		printf(" opaque %zu rects", s->n_opaque);
	if (s->input_set)
		printf(" input %zu rects", s->n_input);
	for (size_t i = 0; i < s->n_frames; i++)
		printf("%s%u", i ? "," : " frame callbacks ", s->frames[i]);
	printf("\n");
}

int wlcr_cmd_show(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		fputs(usage, argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	char err[512];
	Image *img = NULL;
	if (wlcr_image_read(AT_FDCWD, argv[1], &img, err, sizeof(err)) < 0) {
		fprintf(stderr, "wlcr show: %s\n", err);
		return 1;
	}
	printf("%s: wlcr image format %d\n", argv[1], WLCR_IMAGE_VERSION);
	printf("  app socket inode %llu, pid %d (%d in its namespace)\n",
	       (unsigned long long)img->client_ino, img->pid,
	       img->has_pid_in_ns ? img->pid_in_ns : img->pid);
	printf("  proxy %s, compositor %s\n", img->proxy_socket,
	       img->compositor ? img->compositor : "?");
	printf("  token ");
	for (size_t i = 0; i < img->token.len; i++)
		printf("%02x", img->token.data[i]);
	printf("\n  unread by the app: %zu bytes, %u fds; not yet sent to it: %zu bytes; "
	       "half-sent request: %zu bytes\n",
	       img->has_unread ? img->unread.len : 0, img->unread_fds,
	       img->has_to_client ? img->to_client.len : 0,
	       img->has_partial_request ? img->partial_request.len : 0);
	const Journal *j = img->journal;
	printf("  journal: %zu objects, next id %u, %zu globals, last serial %u\n", j->n_objects,
	       j->next_id, j->n_globals, j->serial_last);
	for (size_t i = 0; i < j->n_globals; i++)
		printf("    global %u: %s v%u\n", j->globals[i]->name, j->globals[i]->interface,
		       j->globals[i]->version);
	for (size_t i = 0; i < img->n_pools; i++) {
		const ShmPool *p = img->pools[i];
		printf("    shm pool %zu: object %u, %llu bytes, ", i, p->pool_id,
		       (unsigned long long)p->size);
		if (p->has_map_start)
			printf("mapped by the app at %llx-%llx offset %llu",
			       (unsigned long long)p->map_start, (unsigned long long)p->map_end,
			       (unsigned long long)p->map_offset);
		else
			printf("content in the image (%zu bytes)", p->content.len);
		printf("%s\n", p->retired ? ", pool destroyed, buffers remain" : "");
	}
	for (size_t i = 0; i < j->n_objects; i++) {
		const JObject *o = j->objects[i];
		printf("    %s@%u v%u", o->interface ? o->interface : "(unknown)", o->id,
		       o->version);
		if (o->zombie)
			printf(" zombie (delete_id pending)");
		if (o->creator)
			printf(", from %u", o->creator);
		if (o->has_pool)
			printf(", shm pool %u", o->pool);
		if (o->buffer_held)
			printf(", held by the compositor");
		if (o->last_configure_serial)
			printf(", last configure %u", o->last_configure_serial);
		if (o->source_in_use)
			printf(", the selection or a drag's (cancelled at restore)");
		if (o->focus)
			printf(", focus on %u", o->focus);
		if (o->n_region)
			printf(", %zu rects", o->n_region);
		printf("\n");
		for (size_t k = 0; k < o->n_setters; k++)
			printf("      set %s (%zu bytes)\n",
			       message_name(o->interface, o->setters[k]->slot, 0),
			       o->setters[k]->bytes.len);
		if (o->n_events) {
			printf("      last events:");
			for (size_t k = 0; k < o->n_events; k++)
				printf(" %s", message_name(o->interface, o->events[k]->slot, 1));
			printf("\n");
		}
		if (o->surface) {
			print_state("committed", o->surface->committed);
			print_state("pending", o->surface->pending);
			if (o->surface->has_cached)
				print_state("cached", o->surface->cached);
			if (o->surface->subsurface)
				printf("      subsurface %u of %u, %s\n", o->surface->subsurface,
				       o->surface->parent, o->surface->sync ? "sync" : "desync");
		}
	}
	image__free_unpacked(img, NULL);
	return 0;
}
