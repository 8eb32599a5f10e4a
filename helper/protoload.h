/* Protocols the build does not know, usable without a rebuild: protocol XML
 * read at start-up (helper/protoxml.h) from the standard directories and
 * from --protocol-dir, turned into the same runtime tables the generated
 * ones are (helper/protocol.h). Such an interface is parsed, checked and
 * journaled like any other, generically: its constructor and the last
 * value of each request (helper/journal.c); what a protocol's semantics
 * need beyond that is known only for the built-in ones.
 *
 * The tables are process-wide and never change once loaded: every journal
 * and image names interfaces by name, so a restore onto a proxy without an
 * interface the image uses fails, naming it (helper/snapshot.c). */
#ifndef WLCR_PROTOLOAD_H
#define WLCR_PROTOLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

/* The directories searched after the user's (--protocol-dir), in order. */
extern const char *const wlcr_protoload_default_dirs[];

/* Reads every *.xml under dirs (in order; the first definition of an
 * interface wins, and a built-in one always does), then under the default
 * directories when defaults is set. A file that does not parse, or an
 * interface that names one no file defines, is left out with a warning.
 * Returns 0, or -errno with err filled in for a directory of dirs that
 * cannot be read or when out of memory. Call once, before any client. */
int wlcr_protoload_init(const char *const *dirs, size_t ndirs, bool defaults, char *err,
			size_t errlen);
void wlcr_protoload_finish(void);

/* An interface read at start-up (not a built-in one), or NULL. */
const struct wlcr_interface *wlcr_protoload_find(const char *name);
/* Whether it came from XML read at start-up, and from which file. */
bool wlcr_protoload_is_runtime(const struct wlcr_interface *it);
const char *wlcr_protoload_origin(const struct wlcr_interface *it);
/* Why an interface some XML defines was left out, or NULL. */
const char *wlcr_protoload_why_not(const char *name);
/* What was read: files and interfaces beyond the built-in ones. */
void wlcr_protoload_stats(size_t *ret_files, size_t *ret_ifaces);

#endif
