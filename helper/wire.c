#include "wire.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conn.h"

static uint32_t pad4(uint32_t n)
{
	return (n + 3) & ~3u;
}

/* avail is at most 4096, so pad4() cannot wrap once len <= avail */
static int fits(uint32_t len, uint32_t avail)
{
	return len <= avail && pad4(len) <= avail;
}

int wlcr_wire_peek(const uint8_t *data, size_t len, uint32_t *ret_sender, uint16_t *ret_opcode,
		   char *err, size_t errlen)
{
	if (len < WLCR_WIRE_HEADER)
		return 0;
	uint32_t word = wlcr_wire_word(data + 4);
	uint32_t size = word >> 16;
	if (size < WLCR_WIRE_HEADER || size % 4 || size > WLCR_MAX_MESSAGE) {
		snprintf(err, errlen, "bad message size %u", size);
		return -EINVAL;
	}
	if (len < size)
		return 0;
	*ret_sender = wlcr_wire_word(data);
	*ret_opcode = (uint16_t)(word & 0xffff);
	return (int)size;
}

int wlcr_wire_parse(const uint8_t *data, uint16_t size, const struct wlcr_message *msg,
		    struct wlcr_wire_msg *out, char *err, size_t errlen)
{
	uint32_t pos = WLCR_WIRE_HEADER;

	out->sender = wlcr_wire_word(data);
	out->opcode = (uint16_t)(wlcr_wire_word(data + 4) & 0xffff);
	out->size = size;
	out->msg = msg;
	out->new_id = 0;
	out->new_iface_name = NULL;
	out->new_version = 0;
	out->nfds = 0;
	if (msg->nargs > WLCR_WIRE_MAX_ARGS) {
		snprintf(err, errlen, "too many arguments");
		return -EINVAL;
	}

	for (unsigned i = 0; i < msg->nargs; i++) {
		const struct wlcr_arg *a = &msg->args[i];
		struct wlcr_wire_arg *v = &out->args[i];
		memset(v, 0, sizeof(*v));
		v->offset = pos;
		if (a->kind == WLCR_ARG_FD) {
			out->nfds++;
			continue;
		}
		if (a->kind == WLCR_ARG_NEW_ID && !a->iface) {
			/* untyped new_id: string interface, uint version, id */
			if (size - pos < 4)
				goto short_msg;
			uint32_t slen = wlcr_wire_word(data + pos);
			pos += 4;
			if (slen == 0 || !fits(slen, (uint32_t)(size - pos))) {
				snprintf(err, errlen, "bad interface string in arg %s", a->name);
				return -EINVAL;
			}
			if (data[pos + slen - 1] != '\0') {
				snprintf(err, errlen, "string not nul-terminated in arg %s",
					 a->name);
				return -EINVAL;
			}
			out->new_iface_name = (const char *)data + pos;
			pos += pad4(slen);
			if (size - pos < 8)
				goto short_msg;
			out->new_version = wlcr_wire_word(data + pos);
			pos += 4;
			v->offset = pos;
		} else if (size - pos < 4) {
			goto short_msg;
		}
		v->u = wlcr_wire_word(data + pos);
		pos += 4;
		switch (a->kind) {
		case WLCR_ARG_NEW_ID:
			if (v->u == 0) {
				snprintf(err, errlen, "null new_id in arg %s", a->name);
				return -EINVAL;
			}
			out->new_id = v->u;
			break;
		case WLCR_ARG_OBJECT:
			if (v->u == 0 && !a->nullable) {
				snprintf(err, errlen, "null object in non-nullable arg %s",
					 a->name);
				return -EINVAL;
			}
			break;
		case WLCR_ARG_STRING:
			if (v->u == 0) {
				if (!a->nullable) {
					snprintf(err, errlen, "null string in non-nullable arg %s",
						 a->name);
					return -EINVAL;
				}
				break;
			}
			if (!fits(v->u, (uint32_t)(size - pos))) {
				snprintf(err, errlen, "string overruns the message in arg %s",
					 a->name);
				return -EINVAL;
			}
			if (data[pos + v->u - 1] != '\0') {
				snprintf(err, errlen, "string not nul-terminated in arg %s",
					 a->name);
				return -EINVAL;
			}
			v->str = (const char *)data + pos;
			pos += pad4(v->u);
			break;
		case WLCR_ARG_ARRAY:
			if (!fits(v->u, (uint32_t)(size - pos))) {
				snprintf(err, errlen, "array overruns the message in arg %s",
					 a->name);
				return -EINVAL;
			}
			v->data = data + pos;
			pos += pad4(v->u);
			break;
		default:
			break;
		}
	}
	if (pos != size) {
		snprintf(err, errlen, "%u trailing bytes", size - pos);
		return -EINVAL;
	}
	if (out->nfds > WLCR_MAX_FDS_OUT) {
		snprintf(err, errlen, "%u fds in one message", out->nfds);
		return -EINVAL;
	}
	return 0;

short_msg:
	snprintf(err, errlen, "message too short (%u bytes)", size);
	return -EINVAL;
}

int wlcr_wire_build(uint8_t *buf, size_t cap, uint32_t sender, uint16_t opcode, const char *sig,
		    ...)
{
	va_list ap;
	size_t pos = WLCR_WIRE_HEADER;
	int ret = -ENOSPC;

	va_start(ap, sig);
	for (const char *c = sig; *c; c++) {
		const void *data = NULL;
		uint32_t len;
		switch (*c) {
		case 'i':
		case 'u':
		case 'f':
		case 'o':
		case 'n':
			if (cap - pos < 4)
				goto out;
			wlcr_wire_set_word(buf + pos, va_arg(ap, uint32_t));
			pos += 4;
			continue;
		case 's':
			data = va_arg(ap, const char *);
			len = data ? (uint32_t)strlen(data) + 1 : 0;
			break;
		case 'a':
			len = va_arg(ap, uint32_t);
			data = va_arg(ap, const void *);
			break;
		case 'h':
			continue;
		default:
			ret = -EINVAL;
			goto out;
		}
		if (cap - pos < 4 + (size_t)pad4(len))
			goto out;
		wlcr_wire_set_word(buf + pos, len);
		pos += 4;
		if (len) {
			memcpy(buf + pos, data, len);
			memset(buf + pos + len, 0, pad4(len) - len);
		}
		pos += pad4(len);
	}
	if (pos > WLCR_MAX_MESSAGE)
		goto out;
	wlcr_wire_set_word(buf, sender);
	wlcr_wire_set_word(buf + 4, (uint32_t)pos << 16 | opcode);
	ret = (int)pos;
out:
	va_end(ap);
	return ret;
}
