/* A journal far larger than one control datagram: 2000 surfaces, each with
 * its own opaque region and scale, 8000 live regions of four rectangles and
 * 100 buffers, each from its own shm pool (more pools than one control
 * message carries fds), beside a mapped window. The dump hands the whole
 * journal over and the restore replays every object: afterwards each
 * surface, region and buffer still exists on the compositor (a request to
 * any of them that the compositor did not know would be a protocol error). */
#include <stdlib.h>

#include "zdtm.h"

#define SURFACES 2000
#define REGIONS	 8000
#define BUFFERS	 100

int main(void)
{
	struct wlc t;
	struct wlc_window w;
	zdtm_init(&t, "large_journal");
	wlc_window(&t, &w, "zdtm large journal");
	struct wl_surface **surfaces = calloc(SURFACES, sizeof(*surfaces));
	struct wl_region **regions = calloc(REGIONS, sizeof(*regions));
	if (!surfaces || !regions)
		zdtm_fail("out of memory");
	for (int i = 0; i < SURFACES; i++) {
		surfaces[i] = wl_compositor_create_surface(t.compositor);
		struct wl_region *r = wl_compositor_create_region(t.compositor);
		wl_region_add(r, i % 97, i % 89, 10 + i % 13, 10 + i % 7);
		wl_surface_set_opaque_region(surfaces[i], r);
		wl_region_destroy(r);
		wl_surface_set_buffer_scale(surfaces[i], 1 + i % 3);
		wl_surface_commit(surfaces[i]);
		if (i % 200 == 0)
			wlc_roundtrip(&t, "creating surfaces");
	}
	for (int i = 0; i < REGIONS; i++) {
		regions[i] = wl_compositor_create_region(t.compositor);
		for (int k = 0; k < 4; k++)
			wl_region_add(regions[i], k * 40 + i % 31, k * 30 + i % 37, 20 + k,
				      20 + i % 5);
		if (i % 500 == 0)
			wlc_roundtrip(&t, "creating regions");
	}
	struct wl_buffer *buffers[BUFFERS];
	for (int i = 0; i < BUFFERS; i++)
		buffers[i] = wlc_buffer(&t, 8, 8, 0xff000000u | (uint32_t)i, NULL);
	wl_surface_attach(w.surface, wlc_buffer(&t, 120, 90, 0xff40a040, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 120, 90);
	wl_surface_commit(w.surface);
	wlc_roundtrip(&t, "before the checkpoint");
	zdtm_ready_and_wait(&t);
	wlc_roundtrip(&t, "after the restore");
	/* round trips now and then: libwayland-client fails a request that
	 * finds its socket full */
	for (int i = 0; i < SURFACES; i++) {
		wl_surface_set_buffer_scale(surfaces[i], 1);
		wl_surface_commit(surfaces[i]);
		if (i % 200 == 0)
			wlc_roundtrip(&t, "using the surfaces after the restore");
	}
	for (int i = 0; i < REGIONS; i++) {
		wl_region_subtract(regions[i], 0, 0, 1, 1);
		if (i % 500 == 0)
			wlc_roundtrip(&t, "using the regions after the restore");
	}
	for (int i = 0; i < BUFFERS; i++) {
		wl_surface_set_buffer_scale(surfaces[i], 1);
		wl_surface_attach(surfaces[i], buffers[i], 0, 0);
		wl_surface_commit(surfaces[i]);
	}
	wlc_roundtrip(&t, "using every surface and region after the restore");
	for (int i = 0; i < SURFACES; i++) {
		wl_surface_destroy(surfaces[i]);
		if (i % 200 == 0)
			wlc_roundtrip(&t, "destroying the surfaces");
	}
	for (int i = 0; i < REGIONS; i++) {
		wl_region_destroy(regions[i]);
		if (i % 500 == 0)
			wlc_roundtrip(&t, "destroying the regions");
	}
	wlc_roundtrip(&t, "destroying them");
	zdtm_pass();
}
