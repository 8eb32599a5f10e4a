/* helper/registry.c: a compositor's globals, clamped versions, hidden
 * globals and the --compat file; helper/names.c: each client's names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
#include "protoload.h"
#include "registry.h"
#include "unit.h"

static void a_compositors_globals_are_kept_by_its_names_until_it_goes(void)
{
	struct wlcr_registry reg;
	CHECK(wlcr_registry_init(&reg, false) == 0);
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
	CHECK(wlcr_registry_init(&reg, false) == 0);
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
	CHECK(wlcr_registry_init(&reg, true) == 0);
	CHECK(wlcr_registry_from_upstream(&reg, 1, "zwp_linux_dmabuf_v1", 4)->hidden);
	CHECK(wlcr_registry_from_upstream(&reg, 2, "wl_drm", 2)->hidden);
	CHECK(wlcr_registry_from_upstream(&reg, 3, "weston_desktop_shell", 1)->hidden);
	CHECK(!wlcr_registry_from_upstream(&reg, 4, "wl_shm", 1)->hidden);
	wlcr_registry_finish(&reg);
	CHECK(wlcr_registry_init(&reg, false) == 0);
	const struct wlcr_global *g =
		wlcr_registry_from_upstream(&reg, 3, "weston_desktop_shell", 1);
	/* the reason tells how to make it usable */
	CHECK(g->hidden && strstr(g->hidden_why, "--protocol-dir"));
	CHECK(!wlcr_registry_from_upstream(&reg, 1, "zwp_linux_dmabuf_v1", 4)->hidden);
	wlcr_registry_finish(&reg);
}

static bool write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

/* A protocol the build does not know, from XML read at start-up: parsed
 * into the same tables (an object it makes, an fd, a serial), offered to
 * clients; one naming an interface nobody defines, and a broken file, are
 * left out with the reason. */
static void protocol_xml_read_at_start_up_makes_a_global_usable(void)
{
	char dir[] = "/tmp/wlcr-protodir-XXXXXX";
	CHECK(mkdtemp(dir));
	CHECK(write_file(dir, "echo.xml",
			 "<protocol name=\"echo\">\n"
			 " <interface name=\"wlcr_echo_manager_v1\" version=\"2\">\n"
			 "  <request name=\"destroy\" type=\"destructor\"/>\n"
			 "  <request name=\"get_echo\">\n"
			 "   <arg name=\"id\" type=\"new_id\" interface=\"wlcr_echo_v1\"/>\n"
			 "   <arg name=\"surface\" type=\"object\" interface=\"wl_surface\"/>\n"
			 "  </request>\n"
			 " </interface>\n"
			 " <interface name=\"wlcr_echo_v1\" version=\"2\">\n"
			 "  <request name=\"send\"><arg name=\"fd\" type=\"fd\"/></request>\n"
			 "  <event name=\"echoed\" since=\"2\">\n"
			 "   <arg name=\"serial\" type=\"uint\"/>\n"
			 "   <arg name=\"text\" type=\"string\" allow-null=\"true\"/>\n"
			 "  </event>\n"
			 " </interface>\n"
			 "</protocol>\n"));
	CHECK(write_file(dir, "orphan.xml",
			 "<protocol name=\"orphan\"><interface name=\"wlcr_orphan_v1\" "
			 "version=\"1\"><request name=\"make\"><arg name=\"id\" "
			 "type=\"new_id\" interface=\"wlcr_nowhere_v1\"/></request>"
			 "</interface></protocol>\n"));
	CHECK(write_file(dir, "broken.xml", "<protocol name=\"broken\"><interface name="));
	const char *dirs[] = { dir };
	char err[256] = "";
	int ret = wlcr_protoload_init(dirs, 1, false, err, sizeof(err));
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	CHECK(ret == 0);

	const struct wlcr_interface *m = wlcr_interface_find("wlcr_echo_manager_v1");
	const struct wlcr_interface *e = wlcr_interface_find("wlcr_echo_v1");
	CHECK(m && e && wlcr_protoload_is_runtime(m) && wlcr_protoload_is_runtime(e));
	CHECK(!wlcr_protoload_is_runtime(wlcr_interface_find("wl_surface")));
	CHECK(m->index >= wlcr_interfaces_count && m->index != e->index);
	CHECK_EQ(m->version, 2);
	CHECK_EQ(m->nrequests, 2);
	CHECK(m->requests[0].flags & WLCR_MSG_DESTRUCTOR);
	CHECK_EQ(m->requests[1].new_id_arg, 0);
	CHECK(m->requests[1].args[0].iface == e);
	CHECK(m->requests[1].args[1].iface == wlcr_interface_find("wl_surface"));
	CHECK_EQ(e->requests[0].nfds, 1);
	CHECK_EQ(e->events[0].since, 2);
	CHECK_EQ(e->events[0].args[0].role, WLCR_ROLE_SERIAL);
	CHECK(e->events[0].args[1].nullable);
	CHECK(strstr(wlcr_protoload_origin(m), "echo.xml"));
	CHECK(!wlcr_interface_find("wlcr_orphan_v1"));
	CHECK(strstr(wlcr_protoload_why_not("wlcr_orphan_v1"), "wlcr_nowhere_v1"));

	struct wlcr_registry reg;
	CHECK(wlcr_registry_init(&reg, false) == 0);
	const struct wlcr_global *g =
		wlcr_registry_from_upstream(&reg, 1, "wlcr_echo_manager_v1", 5);
	CHECK(!g->hidden);
	CHECK_EQ(g->version, 2); /* clamped to what the XML describes */
	g = wlcr_registry_from_upstream(&reg, 2, "wlcr_orphan_v1", 1);
	CHECK(g->hidden && strstr(g->hidden_why, "wlcr_nowhere_v1"));
	wlcr_registry_finish(&reg);
	wlcr_protoload_finish();
	CHECK(!wlcr_interface_find("wlcr_echo_manager_v1"));
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
	CHECK(wlcr_registry_init(&reg, false) == 0);
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
	{ "protocol XML read at start-up makes a global usable",
	  protocol_xml_read_at_start_up_makes_a_global_usable },
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
