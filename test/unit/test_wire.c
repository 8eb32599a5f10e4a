/* helper/wire.c: framing, every argument kind, and each malformed shape. */
#include <errno.h>
#include <string.h>

#include "protocols.h"
#include "unit.h"
#include "wire.h"

static const struct wlcr_arg all_args[] = {
	{ "i", 'i', 0, 0, NULL },  { "u", 'u', 0, 0, NULL },
	{ "f", 'f', 0, 0, NULL },  { "s", 's', 0, 0, NULL },
	{ "ns", 's', 1, 0, NULL }, { "o", 'o', 0, 0, &wlcr_iface_wl_surface },
	{ "no", 'o', 1, 0, NULL }, { "n", 'n', 0, 0, &wlcr_iface_wl_callback },
	{ "a", 'a', 0, 0, NULL },  { "h", 'h', 0, 0, NULL },
};
static const struct wlcr_message all_msg = { "all", 1, 10, 1, 0, 7, all_args };

static void every_argument_kind_round_trips(void)
{
	uint8_t buf[256], arr[5] = { 1, 2, 3, 4, 5 };
	char err[128];
	struct wlcr_wire_msg m;
	int n = wlcr_wire_build(buf, sizeof(buf), 7, 3, "iufssoonah", (uint32_t)-5, 42u,
				(uint32_t)(256 * 3), "hello", (const char *)NULL, 9u, 0u, 11u,
				(uint32_t)sizeof(arr), (const void *)arr);
	CHECK(n > 0);
	uint32_t sender;
	uint16_t opcode;
	CHECK_EQ(wlcr_wire_peek(buf, (size_t)n, &sender, &opcode, err, sizeof(err)), n);
	CHECK_EQ(sender, 7);
	CHECK_EQ(opcode, 3);
	CHECK_EQ(wlcr_wire_parse(buf, (uint16_t)n, &all_msg, &m, err, sizeof(err)), 0);
	CHECK_EQ((int32_t)m.args[0].u, -5);
	CHECK_EQ(m.args[1].u, 42);
	CHECK_EQ(m.args[2].u, 768);
	CHECK(m.args[3].str && strcmp(m.args[3].str, "hello") == 0);
	CHECK(m.args[4].str == NULL);
	CHECK_EQ(m.args[5].u, 9);
	CHECK_EQ(m.args[6].u, 0);
	CHECK_EQ(m.new_id, 11);
	CHECK_EQ(m.args[8].u, 5);
	CHECK(memcmp(m.args[8].data, arr, 5) == 0);
	CHECK_EQ(m.nfds, 1);
}

static void untyped_new_id_carries_interface_and_version(void)
{
	uint8_t buf[128];
	char err[128];
	struct wlcr_wire_msg m;
	const struct wlcr_message *bind =
		&wlcr_iface_wl_registry.requests[WLCR_REQ_wl_registry_bind];
	int n = wlcr_wire_build(buf, sizeof(buf), 2, 0, "usun", 5u, "wl_seat", 7u, 12u);
	CHECK(n > 0);
	CHECK_EQ(wlcr_wire_parse(buf, (uint16_t)n, bind, &m, err, sizeof(err)), 0);
	CHECK_EQ(m.args[0].u, 5);
	CHECK(strcmp(m.new_iface_name, "wl_seat") == 0);
	CHECK_EQ(m.new_version, 7);
	CHECK_EQ(m.new_id, 12);
	/* the name word is where the proxy rewrites it */
	CHECK_EQ(wlcr_wire_word(buf + m.args[0].offset), 5);
}

static void peek_needs_a_whole_message(void)
{
	uint8_t buf[64];
	char err[128];
	uint32_t s;
	uint16_t o;
	int n = wlcr_wire_build(buf, sizeof(buf), 1, 0, "u", 3u);
	for (int len = 0; len < n; len++)
		CHECK_EQ(wlcr_wire_peek(buf, (size_t)len, &s, &o, err, sizeof(err)), 0);
	CHECK_EQ(wlcr_wire_peek(buf, (size_t)n, &s, &o, err, sizeof(err)), n);
}

static int peek_size(uint32_t size)
{
	uint8_t buf[8];
	char err[128];
	uint32_t s;
	uint16_t o;
	wlcr_wire_set_word(buf, 1);
	wlcr_wire_set_word(buf + 4, size << 16);
	return wlcr_wire_peek(buf, 8, &s, &o, err, sizeof(err));
}

static void bad_sizes_are_refused(void)
{
	CHECK_EQ(peek_size(4), -EINVAL);
	CHECK_EQ(peek_size(0), -EINVAL);
	CHECK_EQ(peek_size(10), -EINVAL);
	CHECK_EQ(peek_size(4100), -EINVAL);
	CHECK_EQ(peek_size(8), 8);
	CHECK_EQ(peek_size(4096), 0); /* valid, just incomplete */
}

/* Parses buf against msg and expects a refusal whose text contains want. */
static bool refused(const uint8_t *buf, uint16_t size, const struct wlcr_message *msg,
		    const char *want)
{
	char err[128] = "";
	struct wlcr_wire_msg m;
	if (wlcr_wire_parse(buf, size, msg, &m, err, sizeof(err)) != -EINVAL)
		return false;
	if (!strstr(err, want)) {
		fprintf(stderr, "    error was \"%s\", expected \"%s\"\n", err, want);
		return false;
	}
	return true;
}

static void malformed_arguments_are_refused(void)
{
	uint8_t buf[64];
	const struct wlcr_message *title =
		&wlcr_iface_xdg_toplevel.requests[WLCR_REQ_xdg_toplevel_set_title];
	const struct wlcr_message *attach =
		&wlcr_iface_wl_surface.requests[WLCR_REQ_wl_surface_attach];
	const struct wlcr_message *frame =
		&wlcr_iface_wl_surface.requests[WLCR_REQ_wl_surface_frame];
	const struct wlcr_message *add = &wlcr_iface_wl_region.requests[WLCR_REQ_wl_region_add];
	const struct wlcr_message *get_xdg =
		&wlcr_iface_xdg_wm_base.requests[WLCR_REQ_xdg_wm_base_get_xdg_surface];

	int n = wlcr_wire_build(buf, sizeof(buf), 5, 2, "s", "abc");
	/* string length larger than the message */
	wlcr_wire_set_word(buf + 8, 40);
	CHECK(refused(buf, (uint16_t)n, title, "overruns"));
	/* no NUL at the end */
	wlcr_wire_set_word(buf + 8, 4);
	buf[15] = 'x';
	CHECK(refused(buf, (uint16_t)n, title, "nul-terminated"));
	/* null string where the protocol does not allow it */
	n = wlcr_wire_build(buf, sizeof(buf), 5, 2, "s", (const char *)NULL);
	CHECK(refused(buf, (uint16_t)n, title, "null string"));
	/* null object where not allowed */
	n = wlcr_wire_build(buf, sizeof(buf), 3, 2, "no", 9u, 0u);
	CHECK(refused(buf, (uint16_t)n, get_xdg, "null object"));
	/* null new_id */
	n = wlcr_wire_build(buf, sizeof(buf), 3, 3, "n", 0u);
	CHECK(refused(buf, (uint16_t)n, frame, "null new_id"));
	/* too short and too long */
	n = wlcr_wire_build(buf, sizeof(buf), 3, 1, "oi", 0u, 1u);
	CHECK(refused(buf, (uint16_t)n, attach, "too short"));
	n = wlcr_wire_build(buf, sizeof(buf), 3, 0, "iiiii", 1u, 2u, 3u, 4u, 5u);
	CHECK(refused(buf, (uint16_t)n, add, "trailing"));
}

static const struct wlcr_arg arr_args[] = { { "a", 'a', 0, 0, NULL } };
static const struct wlcr_message arr_msg = { "arr", 1, 1, 0, 0, -1, arr_args };

static void array_overrun_is_refused(void)
{
	uint8_t buf[32];
	int n = wlcr_wire_build(buf, sizeof(buf), 3, 0, "a", 4u, (const void *)"abcd");
	wlcr_wire_set_word(buf + 8, 0xfffffffdu); /* would wrap when padded */
	CHECK(refused(buf, (uint16_t)n, &arr_msg, "overruns"));
	wlcr_wire_set_word(buf + 8, 5);
	CHECK(refused(buf, (uint16_t)n, &arr_msg, "overruns"));
}

static void more_than_28_fds_are_refused(void)
{
	static struct wlcr_arg fds[29];
	for (int i = 0; i < 29; i++)
		fds[i] = (struct wlcr_arg){ "fd", 'h', 0, 0, NULL };
	const struct wlcr_message m29 = { "many", 1, 29, 29, 0, -1, fds };
	uint8_t buf[8];
	int n = wlcr_wire_build(buf, sizeof(buf), 3, 0, "");
	CHECK(refused(buf, (uint16_t)n, &m29, "29 fds"));
}

static void largest_message_builds_and_parses(void)
{
	static uint8_t buf[4096];
	static char s[4096 - 12];
	char err[128];
	struct wlcr_wire_msg m;
	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	int n = wlcr_wire_build(buf, sizeof(buf), 5, 2, "s", s);
	CHECK_EQ(n, 4096);
	const struct wlcr_message *title =
		&wlcr_iface_xdg_toplevel.requests[WLCR_REQ_xdg_toplevel_set_title];
	CHECK_EQ(wlcr_wire_parse(buf, 4096, title, &m, err, sizeof(err)), 0);
	/* one byte more does not fit the wire's 4096-byte limit */
	static char s2[4096 - 11];
	memset(s2, 'y', sizeof(s2) - 1);
	s2[sizeof(s2) - 1] = '\0';
	static uint8_t big[8192];
	CHECK_EQ(wlcr_wire_build(big, sizeof(big), 5, 2, "s", s2), -ENOSPC);
}

static void generated_tables_mark_destructors(void)
{
	CHECK(wlcr_iface_wl_surface.requests[WLCR_REQ_wl_surface_destroy].flags &
	      WLCR_MSG_DESTRUCTOR);
	CHECK(wlcr_iface_wl_callback.events[WLCR_EVT_wl_callback_done].flags & WLCR_MSG_DESTRUCTOR);
	CHECK(!(wlcr_iface_wl_surface.requests[WLCR_REQ_wl_surface_commit].flags &
		WLCR_MSG_DESTRUCTOR));
	CHECK_EQ(wlcr_iface_wl_shm.requests[WLCR_REQ_wl_shm_create_pool].nfds, 1);
	CHECK(wlcr_interface_find("xdg_toplevel") == &wlcr_iface_xdg_toplevel);
	CHECK(wlcr_interface_find("zwp_linux_dmabuf_v1") != NULL);
	CHECK(wlcr_interface_find("wp_fractional_scale_manager_v1") != NULL);
	CHECK(wlcr_interface_find("no_such_thing") == NULL);
}

static const struct unit_case cases[] = {
	{ "every_argument_kind_round_trips", every_argument_kind_round_trips },
	{ "untyped_new_id_carries_interface_and_version",
	  untyped_new_id_carries_interface_and_version },
	{ "peek_needs_a_whole_message", peek_needs_a_whole_message },
	{ "bad_sizes_are_refused", bad_sizes_are_refused },
	{ "malformed_arguments_are_refused", malformed_arguments_are_refused },
	{ "array_overrun_is_refused", array_overrun_is_refused },
	{ "more_than_28_fds_are_refused", more_than_28_fds_are_refused },
	{ "largest_message_builds_and_parses", largest_message_builds_and_parses },
	{ "generated_tables_mark_destructors", generated_tables_mark_destructors },
};

UNIT_MAIN(cases)
