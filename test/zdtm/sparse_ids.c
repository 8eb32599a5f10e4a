/* Sparse and zombie ids: objects with holes between them, and one destroyed
 * just before the checkpoint whose delete_id the app has not read. After the
 * restore the app creates objects again (the holes are reused) and the
 * connection is sound. */
#include "zdtm.h"

int main(void)
{
	struct wlc t;
	struct wl_region *regions[40];
	zdtm_init(&t, "sparse_ids");
	for (int i = 0; i < 40; i++)
		regions[i] = wl_compositor_create_region(t.compositor);
	for (int i = 0; i < 40; i += 2)
		wl_region_destroy(regions[i]);
	wlc_roundtrip(&t, "setting up holes");
	/* a zombie: destroyed, its delete_id still on its way */
	wl_region_destroy(regions[39]);
	zdtm_ready_and_wait(&t);

	wlc_roundtrip(&t, "after the restore");
	for (int i = 1; i < 39; i += 2)
		wl_region_add(regions[i], 0, 0, i, i);
	struct wl_region *again[30];
	for (int i = 0; i < 30; i++)
		again[i] = wl_compositor_create_region(t.compositor);
	wlc_roundtrip(&t, "creating objects in the reused ids");
	for (int i = 0; i < 30; i++)
		wl_region_destroy(again[i]);
	wlc_roundtrip(&t, "destroying them");
	zdtm_pass();
}
