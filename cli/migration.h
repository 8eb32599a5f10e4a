/* What wlcr migrate and wlcr receive share beyond the channel: the host
 * setting CRIU's page transfer needs, what a proxy says about the app's
 * frames, image directories, and the file transfer. */
#ifndef WLCR_CLI_MIGRATION_H
#define WLCR_CLI_MIGRATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tls.h"

/* CRIU moves pages through pipes of up to 4 MiB; a lower fs.pipe-max-size
 * makes its page transfer fail ("splice: Bad file descriptor"). Raises it
 * (we are root), saying so. Returns 0 or -errno with err. */
int wlcr_mig_pipe_size(char *err, size_t errlen);

/* The wlcr-proxy at proxy_path: the earliest first and the latest last
 * commit (CLOCK_MONOTONIC ns, 0: none) of its clients whose pid is in
 * pids; *ret_found counts them, *ret_reason gets why one is not
 * checkpointable (empty: all are). Returns 0, or -errno with err. */
int wlcr_mig_proxy_clients(const char *proxy_path, const pid_t *pids, size_t n, uint64_t *ret_first,
			   uint64_t *ret_last, unsigned *ret_found, char *ret_reason,
			   size_t reason_len, char *err, size_t errlen);

/* A private work directory under $TMPDIR (or /var/tmp). */
int wlcr_mig_workdir(char *buf, size_t cap, const char *prefix);
/* Removes dir and what is in it (one level: criu's images). */
void wlcr_mig_rmdir(const char *dir);
/* Sends every regular file of dir but criu's logs as FILE messages. Adds
 * the files' size to *bytes. Returns 0 or -errno. */
int wlcr_mig_send_dir(struct wlcr_tls *t, const char *dir, uint64_t *bytes);
/* A FILE message's content into dir: the name must be a plain file name.
 * Returns 0 or -errno with err. */
int wlcr_mig_write_file(const char *dir, const char *name, uint64_t offset, const uint8_t *data,
			size_t len, char *err, size_t errlen);
/* The bytes of dir's files whose name starts with prefix. */
uint64_t wlcr_mig_dir_bytes(const char *dir, const char *prefix);
/* CLOCK_MONOTONIC in ns */
uint64_t wlcr_mig_now_ns(void);

#endif
