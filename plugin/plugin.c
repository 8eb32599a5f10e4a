/* wayland_plugin.so: the CRIU plugin.
 *
 * It sits in CRIU's plugin directory and is loaded for every checkpoint on
 * the host (runc, podman, containerd pass no plugin option), so every hook
 * answers -ENOTSUP fast for sockets that are not connected to a wlcr proxy,
 * and init()/exit() never fail when no wlcr socket is involved.
 *
 * The descriptor declares max_hooks = 10 (hooks 0, 1 and 9) so that CRIU
 * 3.17 to 4.2 all accept it: verify_plugin() rejects a max_hooks above the
 * running CRIU's. */
#include <errno.h>
#include <limits.h>

#include "criu-plugin.h"
#include "log.h"
#include "peer.h"

#define WLCR_PLUGIN_MAX_HOOKS 10

static int wlcr_plugin_init(int stage)
{
	(void)stage;
	return 0;
}

static void wlcr_plugin_fini(int stage, int ret)
{
	(void)stage;
	(void)ret;
}

static int wlcr_dump_unix_sk(int fd, int id)
{
	char path[PATH_MAX];
	int ret = wlcr_plugin_peer_proxy(fd, path, sizeof(path));
	if (ret <= 0)
		return -ENOTSUP;
	/* Saving the connection (journal, unread bytes, shm pools) comes
	 * with the image format; until then a clear refusal, so the dump
	 * fails and the application keeps running untouched. */
	wlcr_pr_err("socket ino %d is a Wayland connection to wlcr-proxy %s; this build of the "
		    "plugin cannot save it yet",
		    id, path);
	return -ENOSYS;
}

static int wlcr_restore_unix_sk(int id)
{
	(void)id;
	return -ENOTSUP;
}

static int wlcr_resume_devices_late(int pid)
{
	(void)pid;
	return 0;
}

__attribute__((visibility("default"))) cr_plugin_desc_t CR_PLUGIN_DESC = {
	.name = "wlcr-wayland",
	.init = wlcr_plugin_init,
	.exit = wlcr_plugin_fini,
	.version = CRIU_PLUGIN_VERSION,
	.max_hooks = WLCR_PLUGIN_MAX_HOOKS,
	.hooks = {
		[CR_PLUGIN_HOOK__DUMP_UNIX_SK] = (void *)wlcr_dump_unix_sk,
		[CR_PLUGIN_HOOK__RESTORE_UNIX_SK] = (void *)wlcr_restore_unix_sk,
		[CR_PLUGIN_HOOK__RESUME_DEVICES_LATE] = (void *)wlcr_resume_devices_late,
	},
};
