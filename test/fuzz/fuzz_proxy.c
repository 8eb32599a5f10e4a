/* libFuzzer target: a recorded session (helper/record.h format) replayed
 * through the proxy's real message handling, wire parser and journal. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "client.h"
#include "log.h"
#include "foreign.h"
#include "protoload.h"
#include "proxy.h"
#include "record.h"
#include "upstream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a fresh proxy per input: the global table must not carry one
	 * input's state into the next */
	static bool loaded;
	struct wlcr_proxy proxy = { 0 };
	/* WLCR_FUZZ_DEBUG: the proxy's log, to see where an input's client
	 * is closed */
	wlcr_log_init("fuzz", getenv("WLCR_FUZZ_DEBUG") ? WLCR_LOG_INFO : WLCR_LOG_SILENT);
	if (!loaded) {
		/* as wlcr-proxy starts: the standard directories' protocol XML
		 * shows the same globals, numbered the same, as when the
		 * sessions of the corpus were recorded */
		char err[256];
		if (wlcr_protoload_init(NULL, 0, true, err, sizeof(err)) < 0)
			abort();
		loaded = true;
	}
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
