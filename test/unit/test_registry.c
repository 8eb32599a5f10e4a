/* helper/registry.c: a compositor's globals, clamped versions, hidden
 * globals and the --compat file; helper/names.c: each client's names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
#include "registry.h"
#include "unit.h"

static void a_compositors_globals_are_kept_by_its_names_until_it_goes(void)
{
	struct wlcr_registry reg;
	CHECK(wlcr_registry_init(&reg, false, false) == 0);
	struct wlcr_global *a = wlcr_registry_from_upstream(&reg, 40, "wl_compositor", 6);
	CHECK(a && wlcr_registry_from_upstream(&reg, 7, "wl_shm", 1));
	/* seen again from another client's connection: the same record */
	CHECK(wlcr_registry_from_upstream(&reg, 40, "wl_compositor", 6) == a);
	CHECK(strcmp(wlcr_registry_by_upstream(&reg, 7)->interface, "wl_shm") == 0);
	/* the compositor gave a name to something else */
	CHECK(strcmp(wlcr_registry_from_upstream(&reg, 40, "wl_seat", 7)->interface, "wl_seat") ==
	      0);
	CHECK_EQ(a->upstream_name, 0);
	wlcr_registry_forget_globals(&reg);
	CHECK_EQ(reg.nglobals, 0);
	CHECK(!wlcr_registry_by_upstream(&reg, 7));
	/* the compat table stays */
	CHECK_EQ(wlcr_registry_from_upstream(&reg, 1, "xdg_wm_base", 5)->version, 2);
	wlcr_registry_finish(&reg);
}

static void a_clients_names_are_its_own_and_outlive_the_compositor(void)
{
	struct wlcr_names names;
	wlcr_names_init(&names);
	CHECK_EQ(wlcr_names_add(&names, 0, "wl_compositor", 4, 40)->name, 1);
	CHECK_EQ(wlcr_names_add(&names, 0, "wl_output", 3, 52)->name, 2);
	CHECK(strcmp(wlcr_names_by_upstream(&names, 52)->interface, "wl_output") == 0);
	CHECK_EQ(wlcr_names_by_name(&names, 1)->upstream, 40);
	/* a name from an image keeps its number; new ones come after it */
	CHECK_EQ(wlcr_names_add(&names, 9, "wl_shm", 1, 7)->name, 9);
	CHECK_EQ(wlcr_names_add(&names, 0, "wl_seat", 7, 8)->name, 10);
	/* a removed one no longer stands for the compositor's global */
	wlcr_names_by_name(&names, 2)->removed = true;
	CHECK(!wlcr_names_by_upstream(&names, 52));
	CHECK(wlcr_names_by_name(&names, 2));
	/* pointed at another compositor's global, the app's name stays */
	wlcr_names_by_name(&names, 1)->upstream = 3;
	CHECK_EQ(wlcr_names_by_upstream(&names, 3)->name, 1);
	CHECK(wlcr_names_bytes(&names) > 0);
	wlcr_names_finish(&names);
}

static void versions_are_clamped_to_the_baseline_and_the_tables(void)
{
	struct wlcr_registry reg;
	CHECK(wlcr_registry_init(&reg, false, false) == 0);
	CHECK_EQ(wlcr_registry_from_upstream(&reg, 1, "xdg_wm_base", 5)->version, 2);
	CHECK_EQ(wlcr_registry_from_upstream(&reg, 2, "wl_compositor", 6)->version, 4);
	/* below the baseline: the compositor's own */
	CHECK_EQ(wlcr_registry_from_upstream(&reg, 3, "wl_output", 2)->version, 2);
	/* no baseline entry: capped by the XML the proxy was built with */
	struct wlcr_global *g = wlcr_registry_from_upstream(&reg, 4, "wp_viewporter", 99);
	CHECK(g->version <= 1);
	wlcr_registry_finish(&reg);
}

static void unknown_and_gpu_globals_are_hidden(void)
{
	struct wlcr_registry reg;
	CHECK(wlcr_registry_init(&reg, true, false) == 0);
	CHECK(wlcr_registry_from_upstream(&reg, 1, "zwp_linux_dmabuf_v1", 4)->hidden);
	CHECK(wlcr_registry_from_upstream(&reg, 2, "wl_drm", 2)->hidden);
	CHECK(wlcr_registry_from_upstream(&reg, 3, "weston_desktop_shell", 1)->hidden);
	CHECK(!wlcr_registry_from_upstream(&reg, 4, "wl_shm", 1)->hidden);
	wlcr_registry_finish(&reg);
	CHECK(wlcr_registry_init(&reg, false, true) == 0);
	CHECK(!wlcr_registry_from_upstream(&reg, 3, "weston_desktop_shell", 1)->hidden);
	CHECK(!wlcr_registry_from_upstream(&reg, 1, "zwp_linux_dmabuf_v1", 4)->hidden);
	wlcr_registry_finish(&reg);
}

static void compat_file_overrides_and_reports_bad_lines(void)
{
	char path[] = "/tmp/wlcr-compat-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "# comment\n\nxdg_wm_base 1   # trailing comment\nwl_seat 5\n");
	fclose(f);
	struct wlcr_registry reg;
	int line = 0;
	CHECK(wlcr_registry_init(&reg, false, false) == 0);
	CHECK_EQ(wlcr_registry_load_compat(&reg, path, &line), 0);
	CHECK_EQ(wlcr_registry_from_upstream(&reg, 1, "xdg_wm_base", 5)->version, 1);
	CHECK_EQ(wlcr_registry_from_upstream(&reg, 2, "wl_seat", 8)->version, 5);
	f = fopen(path, "w");
	fprintf(f, "wl_seat 5\nwl_output three\n");
	fclose(f);
	CHECK_EQ(wlcr_registry_load_compat(&reg, path, &line), -EINVAL);
	CHECK_EQ(line, 2);
	unlink(path);
	CHECK_EQ(wlcr_registry_load_compat(&reg, path, &line), -ENOENT);
	wlcr_registry_finish(&reg);
}

static const struct unit_case cases[] = {
	{ "a_compositors_globals_are_kept_by_its_names_until_it_goes",
	  a_compositors_globals_are_kept_by_its_names_until_it_goes },
	{ "a_clients_names_are_its_own_and_outlive_the_compositor",
	  a_clients_names_are_its_own_and_outlive_the_compositor },
	{ "versions_are_clamped_to_the_baseline_and_the_tables",
	  versions_are_clamped_to_the_baseline_and_the_tables },
	{ "unknown_and_gpu_globals_are_hidden", unknown_and_gpu_globals_are_hidden },
	{ "compat_file_overrides_and_reports_bad_lines",
	  compat_file_overrides_and_reports_bad_lines },
};

UNIT_MAIN(cases)
