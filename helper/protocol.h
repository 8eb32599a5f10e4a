/* Message tables, generated at build time from protocol XML by wlcr-protogen.
 *
 * wayland-scanner's private-code signatures do not mark destructors and spell
 * types in a string meant for libwayland's own use, so the proxy keeps its own
 * compact table: one entry per message with argument kinds, the interface of
 * each object/new_id argument, the fd count and the destructor flag. */
#ifndef WLCR_PROTOCOL_H
#define WLCR_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

enum wlcr_arg_kind {
	WLCR_ARG_INT = 'i',
	WLCR_ARG_UINT = 'u',
	WLCR_ARG_FIXED = 'f',
	WLCR_ARG_STRING = 's',
	WLCR_ARG_OBJECT = 'o',
	/* A new_id with no fixed interface (wl_registry.bind) is three words on
	 * the wire: interface name string, version, id. */
	WLCR_ARG_NEW_ID = 'n',
	WLCR_ARG_ARRAY = 'a',
	WLCR_ARG_FD = 'h',
};

enum wlcr_message_flags {
	WLCR_MSG_DESTRUCTOR = 1 << 0,
};

/* What a uint argument means to a restored client (helper/client.c): a
 * compositor serial is mapped to the serial space the app knows, a
 * millisecond timestamp is moved onto its clock. Decided by name at build
 * time; text-input-v3's done "serial" counts the client's commits and is
 * neither. */
enum wlcr_arg_role {
	WLCR_ROLE_NONE = 0,
	WLCR_ROLE_SERIAL,
	WLCR_ROLE_TIME,
};

struct wlcr_interface;

struct wlcr_arg {
	const char *name;
	uint8_t kind; /* enum wlcr_arg_kind */
	uint8_t nullable;
	uint8_t role; /* enum wlcr_arg_role */
	/* for object and new_id; NULL when the protocol leaves it open */
	const struct wlcr_interface *iface;
};

struct wlcr_message {
	const char *name;
	uint16_t since;
	uint8_t nargs;
	uint8_t nfds;
	uint8_t flags;	   /* enum wlcr_message_flags */
	int8_t new_id_arg; /* index into args of the new_id, or -1 */
	const struct wlcr_arg *args;
};

struct wlcr_interface {
	const char *name;
	uint32_t version;
	uint16_t nrequests;
	uint16_t nevents;
	const struct wlcr_message *requests;
	const struct wlcr_message *events;
	uint32_t index; /* position in wlcr_interfaces[] */
};

extern const struct wlcr_interface *const wlcr_interfaces[];
extern const size_t wlcr_interfaces_count;

/* The built-in tables (generated at build time): wlcr_interfaces[], whose
 * index fields run 0..wlcr_interfaces_count-1. Interfaces read from XML at
 * start-up (helper/protoload.h) come after them, index and all. */
const struct wlcr_interface *wlcr_interface_find_builtin(const char *name);
/* A built-in interface, else one read at start-up; NULL for an interface
 * the proxy has no table for. */
const struct wlcr_interface *wlcr_interface_find(const char *name);

#endif
