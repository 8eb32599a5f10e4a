#include "chan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wlcr_chan_send(struct wlcr_tls *t, const MigMsg *m)
{
	size_t len = mig_msg__get_packed_size(m);
	if (len > WLCR_MIG_MAX)
		return -EMSGSIZE;
	uint8_t *buf = malloc(4 + len);
	if (!buf)
		return -ENOMEM;
	buf[0] = (uint8_t)len;
	buf[1] = (uint8_t)(len >> 8);
	buf[2] = (uint8_t)(len >> 16);
	buf[3] = (uint8_t)(len >> 24);
	mig_msg__pack(m, buf + 4);
	int ret = wlcr_tls_write(t, buf, 4 + len);
	free(buf);
	return ret;
}

int wlcr_chan_send_op(struct wlcr_tls *t, MigOp op, const char *error)
{
	MigMsg m = MIG_MSG__INIT;
	m.op = op;
	m.error = (char *)error;
	return wlcr_chan_send(t, &m);
}

int wlcr_chan_recv(struct wlcr_tls *t, MigMsg **ret, int timeout_ms)
{
	uint8_t hdr[4];
	int r = wlcr_tls_read(t, hdr, sizeof(hdr), timeout_ms);
	if (r < 0)
		return r;
	uint32_t len = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 |
		       (uint32_t)hdr[3] << 24;
	if (len > WLCR_MIG_MAX)
		return -EPROTO;
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	/* the rest of a message follows at once: the same bound per piece */
	r = wlcr_tls_read(t, buf, len, timeout_ms);
	if (r == 0) {
		*ret = mig_msg__unpack(NULL, len, buf);
		if (!*ret)
			r = -EPROTO;
	}
	free(buf);
	return r;
}

const char *wlcr_chan_op_name(MigOp op)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&mig_op__descriptor, op);
	return v ? v->name + 4 : "?"; /* without "MIG_" */
}

const char *wlcr_chan_strerror(int r, const char *peer)
{
	static char buf[160];
	switch (r) {
	case -ETIMEDOUT:
		snprintf(buf, sizeof(buf), "%s stopped answering (timed out)", peer);
		return buf;
	case -ECONNRESET:
	case -EPIPE:
		snprintf(buf, sizeof(buf), "%s closed the connection", peer);
		return buf;
	case -EINTR:
		return "interrupted";
	case -EPROTO:
		snprintf(buf, sizeof(buf), "%s sent something that is not wlcr's protocol", peer);
		return buf;
	default:
		return strerror(-r);
	}
}
