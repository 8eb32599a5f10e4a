/* Shared by the plugin's files. */
#ifndef WLCR_PLUGIN_H
#define WLCR_PLUGIN_H

#define WLCR_PLUGIN_NAME "wlcr-wayland"

/* DUMP_UNIX_SK: save a connection to a wlcr proxy; -ENOTSUP for others. */
int wlcr_plugin_dump_sk(int fd, int ino);
/* exit(DUMP): let the proxies forward to the apps again. */
void wlcr_plugin_dump_finish(void);
/* RESTORE_UNIX_SK, inside the restored task: a socket to the proxy. */
int wlcr_plugin_restore_sk(int ino);
/* RESUME_DEVICES_LATE, in criu with every task stopped: replay. */
int wlcr_plugin_resume_late(int pid);

#endif
