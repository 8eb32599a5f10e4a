/* helper/client.c: every malformed request gets the app a wl_display.error
 * naming interface@id.message, and the client (only) is closed. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "session.h"
#include "unit.h"
#include "wire.h"

static bool error_says(struct session *s, const char *want)
{
	const char *got = session_error(s);
	if (!s->c->dead || !strstr(got, want)) {
		fprintf(stderr, "    closed: %d, error: \"%s\", expected \"%s\"\n", s->c->dead, got,
			want);
		return false;
	}
	return true;
}

static void raw(struct session *s, const uint8_t *bytes, int len)
{
	session_request(s, 0, 0, -1, bytes, len);
}

static void bad_size(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	uint8_t b[8];
	wlcr_wire_set_word(b, 1);
	wlcr_wire_set_word(b + 4, 6u << 16);
	raw(&s, b, 8);
	CHECK(error_says(&s, "bad message size 6"));
	session_finish(&s);
}

static void unknown_object(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(!REQ(&s, 33, 0, ""));
	CHECK(error_says(&s, "invalid object 33"));
	session_finish(&s);
}

static void opcode_out_of_range(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(!REQ(&s, 6, 99, ""));
	CHECK(error_says(&s, "invalid method 99, object wl_surface@6"));
	session_finish(&s);
}

static void string_overruns_the_message(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	uint8_t b[64];
	int n = wlcr_wire_build(b, sizeof(b), 10, WLCR_REQ_xdg_toplevel_set_title, "s", "abc");
	wlcr_wire_set_word(b + 8, 200);
	raw(&s, b, n);
	CHECK(error_says(&s, "xdg_toplevel@10.set_title: string overruns the message"));
	session_finish(&s);
}

static void string_without_nul(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	uint8_t b[64];
	int n = wlcr_wire_build(b, sizeof(b), 10, WLCR_REQ_xdg_toplevel_set_app_id, "s", "abc");
	b[15] = 'd';
	raw(&s, b, n);
	CHECK(error_says(&s, "xdg_toplevel@10.set_app_id: string not nul-terminated"));
	session_finish(&s);
}

static void missing_fd(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(!REQ(&s, 4, WLCR_REQ_wl_shm_create_pool, "nhi", 11u, 4096u));
	CHECK(error_says(&s, "wl_shm@4.create_pool: fd expected, none queued"));
	session_finish(&s);
}

static void new_id_that_skips_slots(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(!REQ(&s, 3, WLCR_REQ_wl_compositor_create_surface, "n", 20u));
	CHECK(error_says(&s,
			 "wl_compositor@3.create_surface: invalid new id 20 (next free is 11)"));
	session_finish(&s);
}

static void new_id_on_a_live_object(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(!REQ(&s, 3, WLCR_REQ_wl_compositor_create_surface, "n", 6u));
	CHECK(error_says(&s, "invalid new id 6"));
	session_finish(&s);
}

static void object_of_the_wrong_type(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(!REQ(&s, 6, WLCR_REQ_wl_surface_attach, "oii", 10u, 0u, 0u));
	CHECK(error_says(&s, "wl_surface@6.attach: object 10 in arg buffer is a xdg_toplevel, "
			     "not a wl_buffer"));
	session_finish(&s);
}

static void request_to_a_destroyed_object(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(REQ(&s, 10, WLCR_REQ_xdg_toplevel_destroy, ""));
	CHECK(!REQ(&s, 10, WLCR_REQ_xdg_toplevel_set_title, "s", "x"));
	CHECK(error_says(&s, "invalid object 10"));
	session_finish(&s);
}

static void bind_to_a_hidden_or_unknown_global(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(REQ(&s, 1, WLCR_REQ_wl_display_get_registry, "n", 2u));
	CHECK(EVT(&s, 2, WLCR_EVT_wl_registry_global, "usu", 7u, "weston_desktop_shell", 1u));
	CHECK(!REQ(&s, 2, WLCR_REQ_wl_registry_bind, "usun", 1u, "weston_desktop_shell", 1u, 3u));
	CHECK(error_says(&s, "invalid global weston_desktop_shell (1)"));
	session_finish(&s);
}

static void bind_above_the_advertised_version(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(REQ(&s, 1, WLCR_REQ_wl_display_get_registry, "n", 2u));
	CHECK(EVT(&s, 2, WLCR_EVT_wl_registry_global, "usu", 7u, "xdg_wm_base", 5u));
	CHECK(!REQ(&s, 2, WLCR_REQ_wl_registry_bind, "usun", 1u, "xdg_wm_base", 3u, 3u));
	CHECK(error_says(&s, "invalid version for global xdg_wm_base (1): have 2, wanted 3"));
	session_finish(&s);
}

static void method_newer_than_the_bound_version(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	/* wl_surface.offset is since 5; the compositor was bound at 4 */
	CHECK(!REQ(&s, 6, WLCR_REQ_wl_surface_offset, "ii", 1u, 1u));
	CHECK(error_says(&s, "wl_surface@6.offset: invalid method (since 5 > version 4)"));
	session_finish(&s);
}

static void registry_names_and_versions_are_rewritten(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(REQ(&s, 1, WLCR_REQ_wl_display_get_registry, "n", 2u));
	uint8_t b[128];
	int n = wlcr_wire_build(b, sizeof(b), 2, WLCR_EVT_wl_registry_global, "usu", 55u,
				"xdg_wm_base", 5u);
	wlcr_conn_in_append(&s.c->up, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, false));
	/* what the app would receive */
	const uint8_t *out = s.c->down.out.data + s.c->down.out.start;
	CHECK_EQ(wlcr_conn_out_len(&s.c->down), n);
	CHECK_EQ(wlcr_wire_word(out + 8), 1);
	CHECK_EQ(wlcr_wire_word(out + n - 4), 2);
	/* the bind the compositor receives names its own global */
	wlcr_conn_out_discard(&s.c->down);
	n = wlcr_wire_build(b, sizeof(b), 2, WLCR_REQ_wl_registry_bind, "usun", 1u, "xdg_wm_base",
			    2u, 3u);
	wlcr_conn_in_append(&s.c->down, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, true));
	CHECK_EQ(wlcr_wire_word(s.c->up.out.data + s.c->up.out.start + 8), 55);
	session_finish(&s);
}

static void restored_clients_get_timestamps_on_their_clock(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_frame, "n", 11u));
	CHECK(REQ(&s, 1, WLCR_REQ_wl_display_sync, "n", 12u));
	s.c->time_offset_ms = -1500;
	uint8_t b[64];
	/* a frame callback carries a time: shifted */
	int n = wlcr_wire_build(b, sizeof(b), 11, WLCR_EVT_wl_callback_done, "u", 100000u);
	wlcr_conn_in_append(&s.c->up, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, false));
	CHECK_EQ(wlcr_wire_word(s.c->down.out.data + s.c->down.out.start + 8), 98500);
	wlcr_conn_out_discard(&s.c->down);
	/* a sync's callback carries a serial: untouched */
	n = wlcr_wire_build(b, sizeof(b), 12, WLCR_EVT_wl_callback_done, "u", 100000u);
	wlcr_conn_in_append(&s.c->up, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, false));
	CHECK_EQ(wlcr_wire_word(s.c->down.out.data + s.c->down.out.start + 8), 100000);
	session_finish(&s);
}

static uint32_t out_word(struct wlcr_conn *conn, size_t at)
{
	return wlcr_wire_word(conn->out.data + conn->out.start + at);
}

static void restored_server_ids_never_collide_with_held_ones(void)
{
	struct session s;
	uint8_t b[64];
	CHECK(session_init(&s) == 0);
	CHECK(session_data_device(&s));
	/* an offer of the old compositor the app still holds after a restore */
	CHECK(EVT(&s, 5, WLCR_EVT_wl_data_device_data_offer, "n", 0xff000000u));
	wlcr_journal_get(&s.c->journal, 0xff000000u)->gone = true;
	s.c->replayed = true;

	/* the new compositor's first offer has the same id: the app gets another */
	int n = wlcr_wire_build(b, sizeof(b), 5, WLCR_EVT_wl_data_device_data_offer, "n",
				0xff000000u);
	wlcr_conn_in_append(&s.c->up, b, (size_t)n);
	n = wlcr_wire_build(b, sizeof(b), 5, WLCR_EVT_wl_data_device_selection, "o", 0xff000000u);
	wlcr_conn_in_append(&s.c->up, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, false));
	CHECK_EQ(out_word(&s.c->down, 8), 0xff000001u);
	CHECK_EQ(out_word(&s.c->down, 12 + 8), 0xff000001u);
	wlcr_conn_out_discard(&s.c->down);

	/* the app's requests on it reach the compositor with its own id */
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(REQ_FD(&s, fd, 0xff000001u, WLCR_REQ_wl_data_offer_receive, "sh", "text/plain"));
	close(fd);
	n = wlcr_wire_build(b, sizeof(b), 0xff000001u, WLCR_REQ_wl_data_offer_destroy, "");
	wlcr_conn_in_append(&s.c->down, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, true));
	CHECK_EQ(out_word(&s.c->up, 0), 0xff000000u);
	wlcr_conn_out_discard(&s.c->up);
	CHECK_EQ(s.c->nid_pairs, 0);

	/* the old offer's end never reaches the new compositor */
	CHECK(REQ(&s, 0xff000000u, WLCR_REQ_wl_data_offer_destroy, ""));
	CHECK(wlcr_journal_get(&s.c->journal, 0xff000000u) == NULL);
	session_finish(&s);
}

/* A restored app (last serial 5000) on a compositor whose serials are low. */
static void restored_clients_keep_one_serial_space(void)
{
	struct session s;
	uint8_t b[64];
	CHECK(session_init(&s) == 0);
	CHECK(session_data_device(&s));
	CHECK(REQ(&s, 3, WLCR_REQ_wl_data_device_manager_create_data_source, "n", 6u));
	CHECK(EVT(&s, 2, WLCR_EVT_wl_registry_global, "usu", 11u, "wl_compositor", 4u));
	CHECK(REQ(&s, 2, WLCR_REQ_wl_registry_bind, "usun", 3u, "wl_compositor", 4u, 7u));
	CHECK(REQ(&s, 7, WLCR_REQ_wl_compositor_create_surface, "n", 8u));
	s.c->replayed = true;
	s.c->serials = calloc(1, sizeof(*s.c->serials));
	CHECK(s.c->serials != NULL);
	s.c->journal.serial_last = 5000;
	CHECK_EQ(wlcr_client_fresh_serial(s.c), 5001);

	/* the compositor's serials continue the app's, in arrival order, and
	 * one seen twice (an enter and its modifiers) maps the same */
	int n = wlcr_wire_build(b, sizeof(b), 5, WLCR_EVT_wl_data_device_enter, "uoffo", 7u, 8u, 0u,
				0u, 0u);
	wlcr_conn_in_append(&s.c->up, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, false));
	CHECK_EQ(out_word(&s.c->down, 8), 5002);
	wlcr_conn_out_discard(&s.c->down);
	wlcr_conn_in_append(&s.c->up, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, false));
	CHECK_EQ(out_word(&s.c->down, 8), 5002);
	wlcr_conn_out_discard(&s.c->down);
	CHECK_EQ(s.c->journal.serial_last, 5002);

	/* the app's serial reaches the compositor as its own */
	n = wlcr_wire_build(b, sizeof(b), 5, WLCR_REQ_wl_data_device_set_selection, "ou", 6u,
			    5002u);
	wlcr_conn_in_append(&s.c->down, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, true));
	CHECK_EQ(out_word(&s.c->up, 12), 7);
	wlcr_conn_out_discard(&s.c->up);
	CHECK(wlcr_journal_get(&s.c->journal, 6)->source_in_use);

	/* one from before the restore: 0, older than any the compositor gave */
	n = wlcr_wire_build(b, sizeof(b), 5, WLCR_REQ_wl_data_device_set_selection, "ou", 6u,
			    4990u);
	wlcr_conn_in_append(&s.c->down, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, true));
	CHECK_EQ(out_word(&s.c->up, 12), 0);
	wlcr_conn_out_discard(&s.c->up);
	session_finish(&s);
}

/* The configure the replay acked itself never reaches the app; an ack of
 * the old compositor's configure (or a pong to its ping) is dropped; the
 * new compositor's configure is acked with its own serial. */
static void restored_acks_reach_only_the_new_compositor(void)
{
	struct session s;
	uint8_t b[64];
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	s.c->replayed = true;
	s.c->serials = calloc(1, sizeof(*s.c->serials));
	CHECK(s.c->serials != NULL);
	s.c->journal.serial_last = 300;
	wlcr_conn_out_discard(&s.c->up);
	int n = wlcr_wire_build(b, sizeof(b), 9, WLCR_REQ_xdg_surface_ack_configure, "u", 299u);
	wlcr_conn_in_append(&s.c->down, b, (size_t)n);
	n = wlcr_wire_build(b, sizeof(b), 5, WLCR_REQ_xdg_wm_base_pong, "u", 298u);
	wlcr_conn_in_append(&s.c->down, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, true));
	CHECK(!s.c->dead);
	CHECK_EQ(s.c->up.out.end - s.c->up.out.start, 0);

	n = wlcr_wire_build(b, sizeof(b), 9, WLCR_EVT_xdg_surface_configure, "u", 3u);
	wlcr_conn_in_append(&s.c->up, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, false));
	CHECK_EQ(out_word(&s.c->down, 8), 301);
	n = wlcr_wire_build(b, sizeof(b), 9, WLCR_REQ_xdg_surface_ack_configure, "u", 301u);
	wlcr_conn_in_append(&s.c->down, b, (size_t)n);
	CHECK(wlcr_client_process(s.c, true));
	CHECK_EQ(out_word(&s.c->up, 8), 3);
	session_finish(&s);
}

/* The compositor's end of the client's upstream connection, for the tests
 * that run whole turns (which flush to it). */
static int with_upstream(struct session *s)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		return -1;
	s->c->up.fd = sv[1];
	return sv[0];
}

static void one_turn_handles_a_bounded_share_of_a_flood(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	int compositor = with_upstream(&s);
	CHECK(compositor >= 0);
	/* 64 KiB of wl_surface.damage, all in the socket at once */
	uint8_t b[64];
	int n = wlcr_wire_build(b, sizeof(b), 6, WLCR_REQ_wl_surface_damage, "iiii", 0u, 0u, 1u,
				1u);
	CHECK(n == 24);
	static uint8_t flood[64 * 1024];
	size_t total = 0;
	for (; total + (size_t)n <= sizeof(flood); total += (size_t)n)
		memcpy(flood + total, b, (size_t)n);
	/* one write: small ones would fill the socket with per-packet overhead */
	CHECK(write(s.app_fd, flood, total) == (ssize_t)total);
	uint8_t sink[70 * 1024];
	size_t passed = 0;
	unsigned turns = 0;
	while (passed < total && turns < 1000) {
		wlcr_client_turn(s.c, true, EPOLLIN);
		CHECK(!s.c->dead);
		ssize_t got = read(compositor, sink, sizeof(sink));
		size_t now = got > 0 ? (size_t)got : 0;
		/* what one turn forwarded: never more than its share */
		CHECK(now <= WLCR_CLIENT_TURN_BYTES);
		passed += now;
		turns++;
	}
	CHECK_EQ(passed, total);
	CHECK(turns >= total / WLCR_CLIENT_TURN_BYTES);
	close(compositor);
	session_finish(&s);
}

static void a_client_past_its_fd_bound_is_told_and_closed(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	s.proxy.opt.max_client_fds = 3;
	CHECK(session_toplevel(&s)); /* one pool: one fd kept */
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(REQ_FD(&s, fd, 4, WLCR_REQ_wl_shm_create_pool, "nhi", 11u, 4096u));
	CHECK(REQ_FD(&s, fd, 4, WLCR_REQ_wl_shm_create_pool, "nhi", 12u, 4096u));
	CHECK_EQ(s.c->journal.nfds, 3);
	CHECK(!REQ_FD(&s, fd, 4, WLCR_REQ_wl_shm_create_pool, "nhi", 13u, 4096u));
	CHECK(strstr(session_error(&s), "holds 3 file descriptors (shm pools) in wlcr-proxy") !=
	      NULL);
	close(fd);
	session_finish(&s);
}

static void a_client_past_its_object_bound_is_told_and_closed(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	s.proxy.opt.max_client_objects = 20;
	CHECK(session_toplevel(&s));
	uint32_t id = 11;
	while (s.c->journal.nlive < 20)
		CHECK(REQ(&s, 3, WLCR_REQ_wl_compositor_create_region, "n", id++));
	CHECK(!REQ(&s, 3, WLCR_REQ_wl_compositor_create_region, "n", id));
	CHECK(strstr(session_error(&s), "has 20 objects, wlcr-proxy's limit per client") != NULL);
	session_finish(&s);
}

static void a_client_past_its_journal_bound_is_told_and_closed(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	s.proxy.opt.max_client_journal = s.c->journal.bytes + 4096;
	uint32_t id = 11;
	bool ok = true;
	/* regions of many rectangles: the journal grows, the objects do not */
	CHECK(REQ(&s, 3, WLCR_REQ_wl_compositor_create_region, "n", id));
	for (int i = 0; i < 10000 && ok; i++)
		ok = REQ(&s, id, WLCR_REQ_wl_region_add, "iiii", (uint32_t)(i * 3),
			 (uint32_t)(i * 3), 1u, 1u);
	CHECK(!ok);
	CHECK(strstr(session_error(&s), "over its limit per client (--max-client-journal") != NULL);
	session_finish(&s);
}

/* Events fed without discarding what the app would get: its length. */
static size_t event_reaches_app(struct session *s, const uint8_t *b, int n)
{
	wlcr_conn_out_discard(&s->c->down);
	wlcr_conn_in_append(&s->c->up, b, (size_t)n);
	if (!wlcr_client_process(s->c, false))
		return (size_t)-1;
	return wlcr_conn_out_len(&s->c->down);
}

static void a_second_enter_of_the_same_output_is_not_news(void)
{
	struct session s;
	uint8_t b[64];
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(EVT(&s, 2, WLCR_EVT_wl_registry_global, "usu", 43u, "wl_output", 3u));
	CHECK(REQ(&s, 2, WLCR_REQ_wl_registry_bind, "usun", 4u, "wl_output", 3u, 11u));
	int n = wlcr_wire_build(b, sizeof(b), 6, WLCR_EVT_wl_surface_enter, "o", 11u);
	CHECK_EQ(event_reaches_app(&s, b, n), (size_t)n);
	/* what a compositor that took the surface over sends: the app knows */
	CHECK_EQ(event_reaches_app(&s, b, n), 0);
	n = wlcr_wire_build(b, sizeof(b), 6, WLCR_EVT_wl_surface_leave, "o", 11u);
	CHECK_EQ(event_reaches_app(&s, b, n), (size_t)n);
	CHECK_EQ(event_reaches_app(&s, b, n), 0);
	n = wlcr_wire_build(b, sizeof(b), 6, WLCR_EVT_wl_surface_enter, "o", 11u);
	CHECK_EQ(event_reaches_app(&s, b, n), (size_t)n);
	session_finish(&s);
}

static void a_keyboard_leave_of_a_surface_never_entered_is_not_news(void)
{
	struct session s;
	uint8_t b[64];
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(EVT(&s, 2, WLCR_EVT_wl_registry_global, "usu", 43u, "wl_seat", 7u));
	CHECK(REQ(&s, 2, WLCR_REQ_wl_registry_bind, "usun", 4u, "wl_seat", 7u, 11u));
	CHECK(REQ(&s, 11, WLCR_REQ_wl_seat_get_keyboard, "n", 12u));
	/* wlroots sends a keyboard made after the focus a leave, then enter */
	int n = wlcr_wire_build(b, sizeof(b), 12, WLCR_EVT_wl_keyboard_leave, "uo", 5u, 6u);
	CHECK_EQ(event_reaches_app(&s, b, n), 0);
	n = wlcr_wire_build(b, sizeof(b), 12, WLCR_EVT_wl_keyboard_enter, "uoa", 6u, 6u, 0u, NULL);
	CHECK_EQ(event_reaches_app(&s, b, n), (size_t)n);
	CHECK_EQ(event_reaches_app(&s, b, n), 0);
	n = wlcr_wire_build(b, sizeof(b), 12, WLCR_EVT_wl_keyboard_leave, "uo", 7u, 6u);
	CHECK_EQ(event_reaches_app(&s, b, n), (size_t)n);
	session_finish(&s);
}

static const struct unit_case cases[] = {
	{ "a_keyboard_leave_of_a_surface_never_entered_is_not_news",
	  a_keyboard_leave_of_a_surface_never_entered_is_not_news },
	{ "a_second_enter_of_the_same_output_is_not_news",
	  a_second_enter_of_the_same_output_is_not_news },
	{ "one_turn_handles_a_bounded_share_of_a_flood",
	  one_turn_handles_a_bounded_share_of_a_flood },
	{ "a_client_past_its_fd_bound_is_told_and_closed",
	  a_client_past_its_fd_bound_is_told_and_closed },
	{ "a_client_past_its_object_bound_is_told_and_closed",
	  a_client_past_its_object_bound_is_told_and_closed },
	{ "a_client_past_its_journal_bound_is_told_and_closed",
	  a_client_past_its_journal_bound_is_told_and_closed },
	{ "restored_clients_keep_one_serial_space", restored_clients_keep_one_serial_space },
	{ "restored_acks_reach_only_the_new_compositor",
	  restored_acks_reach_only_the_new_compositor },
	{ "restored_server_ids_never_collide_with_held_ones",
	  restored_server_ids_never_collide_with_held_ones },
	{ "restored_clients_get_timestamps_on_their_clock",
	  restored_clients_get_timestamps_on_their_clock },
	{ "bad_size", bad_size },
	{ "unknown_object", unknown_object },
	{ "opcode_out_of_range", opcode_out_of_range },
	{ "string_overruns_the_message", string_overruns_the_message },
	{ "string_without_nul", string_without_nul },
	{ "missing_fd", missing_fd },
	{ "new_id_that_skips_slots", new_id_that_skips_slots },
	{ "new_id_on_a_live_object", new_id_on_a_live_object },
	{ "object_of_the_wrong_type", object_of_the_wrong_type },
	{ "request_to_a_destroyed_object", request_to_a_destroyed_object },
	{ "bind_to_a_hidden_or_unknown_global", bind_to_a_hidden_or_unknown_global },
	{ "bind_above_the_advertised_version", bind_above_the_advertised_version },
	{ "method_newer_than_the_bound_version", method_newer_than_the_bound_version },
	{ "registry_names_and_versions_are_rewritten", registry_names_and_versions_are_rewritten },
};

UNIT_MAIN(cases)
