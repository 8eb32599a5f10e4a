/* libFuzzer target: a recorded session (helper/record.h format) replayed
 * through the proxy's real message handling, wire parser and journal. */
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "log.h"
#include "foreign.h"
#include "proxy.h"
#include "record.h"
#include "upstream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a fresh proxy per input: the global table must not carry one
	 * input's state into the next */
	struct wlcr_proxy proxy = { 0 };
	wlcr_log_init("fuzz", WLCR_LOG_SILENT);
	proxy.loop.epfd = -1;
	proxy.opt.buffer_limit = 1 << 20;
	proxy.upstream = wlcr_upstream_get(&proxy, "fuzz-compositor");
	if (!proxy.upstream)
		return 0;
	struct wlcr_client *c = wlcr_client_new(&proxy, -1, -1);
	if (c) {
		wlcr_record_replay(c, data, size);
		wlcr_client_free(c);
	}
	wlcr_upstream_free_all(&proxy);
	wlcr_foreign_finish(&proxy);
	return 0;
}
