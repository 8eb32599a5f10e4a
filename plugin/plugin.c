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
#include <stdbool.h>
#include <string.h>

#include "criu-plugin.h"
#include "log.h"
#include "plugin.h"

#define WLCR_PLUGIN_MAX_HOOKS 10

/* criu >= 4.1 refuses a restore whose inventory names a plugin that did
 * not claim it here. Weak: older criu has no inventory of plugins. */
extern bool check_and_remove_inventory_plugin(const char *name, size_t n) __attribute__((weak));

/* Fails only for a restore whose own images cannot be restored: a dump
 * that saved no Wayland connection has none, whatever else sits in its
 * directory. */
static int wlcr_plugin_init(int stage)
{
	if (stage == CR_PLUGIN_STAGE__DUMP) {
		wlcr_plugin_dump_init();
	} else if (stage == CR_PLUGIN_STAGE__RESTORE) {
		/* criu >= 4.1 also fails the restore unless a plugin the
		 * inventory names takes itself off the list here */
		bool named = !check_and_remove_inventory_plugin ||
			     check_and_remove_inventory_plugin(WLCR_PLUGIN_NAME,
							       strlen(WLCR_PLUGIN_NAME));
		return wlcr_plugin_restore_init(named);
	}
	return 0;
}

static void wlcr_plugin_fini(int stage, int ret)
{
	(void)ret;
	if (stage == CR_PLUGIN_STAGE__DUMP)
		wlcr_plugin_dump_finish();
	else if (stage == CR_PLUGIN_STAGE__RESTORE)
		wlcr_plugin_restore_finish();
}

static int wlcr_dump_unix_sk(int fd, int id)
{
	return wlcr_plugin_dump_sk(fd, id);
}

static int wlcr_restore_unix_sk(int id)
{
	return wlcr_plugin_restore_sk(id);
}

static int wlcr_resume_devices_late(int pid)
{
	return wlcr_plugin_resume_late(pid);
}

__attribute__((visibility("default"))) cr_plugin_desc_t CR_PLUGIN_DESC = {
	.name = WLCR_PLUGIN_NAME,
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
