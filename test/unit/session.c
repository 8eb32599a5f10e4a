#include "session.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "foreign.h"
#include "upstream.h"
#include "wire.h"

int session_init(struct session *s)
{
	int sv[2];
	memset(s, 0, sizeof(*s));
	s->proxy.loop.epfd = -1;
	s->proxy.opt.buffer_limit = 1 << 20;
	s->proxy.upstream = wlcr_upstream_get(&s->proxy, "test-compositor");
	if (!s->proxy.upstream)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	s->app_fd = sv[0];
	s->c = wlcr_client_new(&s->proxy, sv[1], -1);
	return s->c ? 0 : -1;
}

void session_finish(struct session *s)
{
	wlcr_client_free(s->c);
	close(s->app_fd);
	wlcr_upstream_free_all(&s->proxy);
	wlcr_foreign_finish(&s->proxy);
}

bool session_request(struct session *s, uint32_t sender, uint16_t opcode, int fd,
		     const uint8_t *msg, int len)
{
	(void)sender;
	(void)opcode;
	if (s->c->dead || len < 0)
		return false;
	if (fd >= 0)
		wlcr_fdq_push(&s->c->down.in_fds, fcntl(fd, F_DUPFD_CLOEXEC, 3), 0);
	wlcr_conn_in_append(&s->c->down, msg, (size_t)len);
	bool ok = wlcr_client_process(s->c, true);
	if (ok)
		wlcr_conn_out_discard(&s->c->up);
	return ok;
}

bool session_event(struct session *s, uint32_t sender, uint16_t opcode, const uint8_t *msg, int len)
{
	(void)sender;
	(void)opcode;
	if (s->c->dead || len < 0)
		return false;
	wlcr_conn_in_append(&s->c->up, msg, (size_t)len);
	bool ok = wlcr_client_process(s->c, false);
	if (ok)
		wlcr_conn_out_discard(&s->c->down);
	return ok;
}

const char *session_error(struct session *s)
{
	static uint8_t buf[8192];
	static char text[4096];
	struct pollfd p = { s->app_fd, POLLIN, 0 };
	text[0] = '\0';
	if (poll(&p, 1, 0) <= 0)
		return text;
	ssize_t n = recv(s->app_fd, buf, sizeof(buf), MSG_DONTWAIT);
	/* find wl_display.error: sender 1, opcode 0 */
	for (ssize_t off = 0; off + 8 <= n;) {
		uint32_t size = wlcr_wire_word(buf + off + 4) >> 16;
		if (size < 8 || (size_t)off + size > (size_t)n)
			break;
		if (wlcr_wire_word(buf + off) == 1 &&
		    (wlcr_wire_word(buf + off + 4) & 0xffff) == 0 && size > 20) {
			uint32_t len = wlcr_wire_word(buf + off + 16);
			if (len && 20 + len <= size && len < sizeof(text)) {
				memcpy(text, buf + off + 20, len);
				text[len - 1] = '\0';
			}
			break;
		}
		off += size;
	}
	return text;
}

bool session_toplevel(struct session *s)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	bool ok = REQ(s, 1, WLCR_REQ_wl_display_get_registry, "n", 2u) &&
		  EVT(s, 2, WLCR_EVT_wl_registry_global, "usu", 40u, "wl_compositor", 4u) &&
		  EVT(s, 2, WLCR_EVT_wl_registry_global, "usu", 41u, "wl_shm", 1u) &&
		  EVT(s, 2, WLCR_EVT_wl_registry_global, "usu", 42u, "xdg_wm_base", 3u) &&
		  REQ(s, 2, WLCR_REQ_wl_registry_bind, "usun", 1u, "wl_compositor", 4u, 3u) &&
		  REQ(s, 2, WLCR_REQ_wl_registry_bind, "usun", 2u, "wl_shm", 1u, 4u) &&
		  REQ(s, 2, WLCR_REQ_wl_registry_bind, "usun", 3u, "xdg_wm_base", 2u, 5u) &&
		  REQ(s, 3, WLCR_REQ_wl_compositor_create_surface, "n", 6u) &&
		  REQ_FD(s, fd, 4, WLCR_REQ_wl_shm_create_pool, "nhi", 7u, 4096u) &&
		  REQ(s, 7, WLCR_REQ_wl_shm_pool_create_buffer, "niiiiu", 8u, 0u, 32u, 32u, 128u,
		      0u) &&
		  REQ(s, 5, WLCR_REQ_xdg_wm_base_get_xdg_surface, "no", 9u, 6u) &&
		  REQ(s, 9, WLCR_REQ_xdg_surface_get_toplevel, "n", 10u) &&
		  REQ(s, 10, WLCR_REQ_xdg_toplevel_set_title, "s", "hello") &&
		  REQ(s, 6, WLCR_REQ_wl_surface_commit, "");
	close(fd);
	return ok;
}

bool session_data_device(struct session *s)
{
	return REQ(s, 1, WLCR_REQ_wl_display_get_registry, "n", 2u) &&
	       EVT(s, 2, WLCR_EVT_wl_registry_global, "usu", 9u, "wl_data_device_manager", 3u) &&
	       EVT(s, 2, WLCR_EVT_wl_registry_global, "usu", 10u, "wl_seat", 7u) &&
	       REQ(s, 2, WLCR_REQ_wl_registry_bind, "usun", 1u, "wl_data_device_manager", 3u, 3u) &&
	       REQ(s, 2, WLCR_REQ_wl_registry_bind, "usun", 2u, "wl_seat", 7u, 4u) &&
	       REQ(s, 3, WLCR_REQ_wl_data_device_manager_get_data_device, "no", 5u, 4u);
}
