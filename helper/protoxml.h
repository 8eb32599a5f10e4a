/* Wayland protocol XML, parsed (libexpat) into a plain model of interfaces,
 * messages and arguments. One parser for two users: wlcr-protogen, which
 * writes the built-in tables from it at build time, and the proxy, which
 * turns protocol XML found at start-up into the same runtime tables
 * (helper/protoload.h). It never exits and never logs: errors come back as
 * text for the caller to say. */
#ifndef WLCR_PROTOXML_H
#define WLCR_PROTOXML_H

#include <stdbool.h>
#include <stddef.h>

struct wlcr_protoxml_arg {
	char *name;
	char kind; /* enum wlcr_arg_kind (helper/protocol.h) */
	bool nullable;
	char *iface; /* NULL when the protocol leaves it open */
};

struct wlcr_protoxml_msg {
	char *name;
	unsigned since;
	bool destructor;
	struct wlcr_protoxml_arg *args;
	size_t nargs;
};

struct wlcr_protoxml_iface {
	char *name;
	unsigned version;
	struct wlcr_protoxml_msg *req, *evt;
	size_t nreq, nevt;
	const char *file; /* the file it came from (owned by the model) */
};

struct wlcr_protoxml {
	struct wlcr_protoxml_iface *ifaces;
	size_t n, cap;
	char **files; /* paths of the parsed files */
	size_t nfiles;
};

/* Adds the interfaces of one XML file to px. On error px keeps what it had
 * before the call; returns 0, -ENOMEM, or -EINVAL/-errno with err filled in
 * ("FILE:LINE: what"). */
int wlcr_protoxml_parse_file(struct wlcr_protoxml *px, const char *path, char *err, size_t errlen);
void wlcr_protoxml_finish(struct wlcr_protoxml *px);

/* What the wire walker (helper/wire.c) can take: at most one new_id per
 * message, at most 32 arguments. Returns 0, or -EINVAL with err filled in. */
int wlcr_protoxml_check(const struct wlcr_protoxml_iface *it, char *err, size_t errlen);

/* enum wlcr_arg_role of an argument, decided by name: "time" is a
 * timestamp, "serial" a compositor serial (not text-input-v3's done, which
 * counts the client's commits). */
int wlcr_protoxml_arg_role(const char *iface, const char *msg, const struct wlcr_protoxml_arg *a);

#endif
