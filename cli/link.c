#include "link.h"

#include "chan.h"

int wlcr_link_push(struct wlcr_tls *t, uint64_t bytes, double max_s, struct wlcr_progress *prog)
{
	static uint8_t filler[WLCR_LINK_PIECE];
	MigMsg p = MIG_MSG__INIT;
	p.op = MIG_OP__MIG_PROBE;
	p.has_last = true;
	p.has_data = true;
	p.data.data = filler;
	double t0 = wlcr_now();
	for (uint64_t sent = 0;;) {
		uint64_t n = bytes - sent < WLCR_LINK_PIECE ? bytes - sent : WLCR_LINK_PIECE;
		p.data.len = n;
		sent += n;
		p.last = sent >= bytes || (max_s > 0 && wlcr_now() - t0 > max_s);
		int r = wlcr_chan_send(t, &p);
		if (r < 0)
			return r;
		if (prog)
			wlcr_progress_bytes(prog, sent);
		if (p.last)
			return 0;
	}
}
