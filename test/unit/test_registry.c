/* helper/registry.c: stable names, clamped versions, hidden globals and
 * the --compat file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "registry.h"
#include "unit.h"

static void names_are_the_proxys_and_stable(void)
{
	struct wlcr_registry reg;
	CHECK(wlcr_registry_init(&reg, false, false) == 0);
	struct wlcr_global *a = wlcr_registry_from_upstream(&reg, 40, "wl_compositor", 6);
	struct wlcr_global *b = wlcr_registry_from_upstream(&reg, 7, "wl_shm", 1);
	CHECK(a && b);
	CHECK_EQ(a->name, 1);
	CHECK_EQ(b->name, 2);
	/* seen again from another client's connection: same name */
	CHECK_EQ(wlcr_registry_from_upstream(&reg, 40, "wl_compositor", 6)->name, 1);
	CHECK(wlcr_registry_by_name(&reg, 2)->upstream_name == 7);
	wlcr_registry_finish(&reg);
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
	{ "names_are_the_proxys_and_stable", names_are_the_proxys_and_stable },
	{ "versions_are_clamped_to_the_baseline_and_the_tables",
	  versions_are_clamped_to_the_baseline_and_the_tables },
	{ "unknown_and_gpu_globals_are_hidden", unknown_and_gpu_globals_are_hidden },
	{ "compat_file_overrides_and_reports_bad_lines",
	  compat_file_overrides_and_reports_bad_lines },
};

UNIT_MAIN(cases)
