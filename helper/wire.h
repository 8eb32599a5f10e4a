/* The Wayland wire format: message framing, argument walk and validation,
 * and building messages the proxy sends itself. No logging here: errors are
 * returned with a description for the caller to log once, with context. */
#ifndef WLCR_WIRE_H
#define WLCR_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

#define WLCR_WIRE_HEADER   8
#define WLCR_WIRE_MAX_ARGS 32
#define WLCR_SERVER_ID_MIN 0xff000000u

struct wlcr_wire_arg {
	uint32_t u;	     /* value; for strings and arrays their length */
	const char *str;     /* string, NUL-terminated inside the message, or NULL */
	const uint8_t *data; /* array contents */
	uint32_t offset;     /* byte offset of the argument's first word */
};

struct wlcr_wire_msg {
	uint32_t sender;
	uint16_t opcode;
	uint16_t size;
	const struct wlcr_message *msg;
	struct wlcr_wire_arg args[WLCR_WIRE_MAX_ARGS];
	/* The message's new_id, if any. For wl_registry.bind the interface
	 * comes from the message itself (new_iface_name, new_version). */
	uint32_t new_id;
	const char *new_iface_name;
	uint32_t new_version;
	unsigned nfds;
};

/* Reads a header. Returns the message size when a whole message is in
 * data[0..len), 0 when more bytes are needed, or -EINVAL (err filled in) for
 * a size that no valid message has. */
int wlcr_wire_peek(const uint8_t *data, size_t len, uint32_t *ret_sender, uint16_t *ret_opcode,
		   char *err, size_t errlen);

/* Walks and checks every argument of a complete message against its table
 * entry: sizes, padding, NUL-terminated strings, nulls where not allowed,
 * trailing bytes. Object ids are not looked up here. Returns 0 or -EINVAL
 * with err filled in ("string not nul-terminated", ...). */
int wlcr_wire_parse(const uint8_t *data, uint16_t size, const struct wlcr_message *msg,
		    struct wlcr_wire_msg *out, char *err, size_t errlen);

/* Builds a message from a signature of the same letters as enum
 * wlcr_arg_kind ('n' takes one uint here); strings are const char *
 * (NULL for null), arrays are (uint32_t len, const void *data). Returns the
 * size written or -ENOSPC. fds are not part of the bytes. */
int wlcr_wire_build(uint8_t *buf, size_t cap, uint32_t sender, uint16_t opcode, const char *sig,
		    ...);

static inline uint32_t wlcr_wire_word(const uint8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, 4);
	return v;
}

static inline void wlcr_wire_set_word(uint8_t *p, uint32_t v)
{
	__builtin_memcpy(p, &v, 4);
}

#endif
