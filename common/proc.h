/* What /proc says of a task, shared by the proxy and the plugin. */
#ifndef WLCR_PROC_H
#define WLCR_PROC_H

#include <sys/types.h>

/* The innermost pid of NSpid in /proc/PID/status: the task's pid as it
 * sees itself (getpid() inside a container's pid namespace). pid itself
 * when /proc cannot say. */
pid_t wlcr_pid_in_ns(pid_t pid);

#endif
