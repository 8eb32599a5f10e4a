/* Shared by the plugin's files. */
#ifndef WLCR_PLUGIN_H
#define WLCR_PLUGIN_H

#include <stdbool.h>

#define WLCR_PLUGIN_NAME "wlcr-wayland"

/* init(DUMP): forget what an earlier dump into the same directory said. */
void wlcr_plugin_dump_init(void);
/* DUMP_UNIX_SK: save a connection to a wlcr proxy; -ENOTSUP for others. */
int wlcr_plugin_dump_sk(int fd, int ino);
/* exit(DUMP): let the proxies forward to the apps again. */
void wlcr_plugin_dump_finish(void);
/* init(RESTORE), in criu: read this dump's images and register them with
 * their proxies. dump_named_us: the dump's inventory names the plugin (or
 * criu is too old to say). Returns 0 or -errno, which fails the restore. */
int wlcr_plugin_restore_init(bool dump_named_us);
/* exit(RESTORE) */
void wlcr_plugin_restore_finish(void);
/* RESTORE_UNIX_SK, inside the restored task: a socket to the proxy. */
int wlcr_plugin_restore_sk(int ino);
/* RESUME_DEVICES_LATE, in criu with every task stopped: replay. */
int wlcr_plugin_resume_late(int pid);

#endif
