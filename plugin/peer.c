#include "peer.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

int wlcr_plugin_peer_proxy(int fd, char *path, size_t cap)
{
	struct sockaddr_un addr;
	socklen_t len = sizeof(addr);
	char ctl[sizeof(addr.sun_path) + 8];
	struct stat st;

	memset(&addr, 0, sizeof(addr));
	if (getpeername(fd, (struct sockaddr *)&addr, &len) < 0)
		return errno == ENOTCONN ? 0 : -errno;
	/* unnamed or abstract peers are never a proxy's listening socket */
	if (addr.sun_family != AF_UNIX || len <= offsetof(struct sockaddr_un, sun_path) ||
	    addr.sun_path[0] == '\0')
		return 0;
	size_t plen = strnlen(addr.sun_path, sizeof(addr.sun_path));
	if (plen >= cap || plen == sizeof(addr.sun_path))
		return 0;
	memcpy(path, addr.sun_path, plen);
	path[plen] = '\0';
	if (wlcr_ctl_path(ctl, sizeof(ctl), path) < 0 || stat(ctl, &st) < 0 ||
	    !S_ISSOCK(st.st_mode))
		return 0;
	return 1;
}
