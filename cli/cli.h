/* The wlcr command: shared declarations of its subcommands. */
#ifndef WLCR_CLI_H
#define WLCR_CLI_H

#include <stddef.h>

/* The proxy for containers: a fixed host path, bind-mounted alone at the
 * same path into every container (see cmd_container.c). */
#define WLCR_CONTAINER_SOCKET "/run/wlcr/wlcr-0"

struct wlcr_cli_target {
	char socket_path[108]; /* the proxy's Wayland socket */
	char ctl_path[113];
};

/* Resolves NAME (or $WLCR_SOCKET, or wlcr-0) under $XDG_RUNTIME_DIR unless
 * absolute. Returns 0 or -1 after printing why. */
int wlcr_cli_target(struct wlcr_cli_target *t, const char *name);
/* Starts wlcr-proxy on the target unless one answers there already.
 * extra: further proxy options (NULL-terminated), may be NULL. */
int wlcr_cli_ensure_proxy(const struct wlcr_cli_target *t, const char *upstream,
			  char *const *extra);
/* 1 when a proxy of our control protocol answers at t, 0 when none
 * listens, -1 (message printed) when something else is wrong. */
int wlcr_cli_proxy_alive(const struct wlcr_cli_target *t);

int wlcr_cmd_run(int argc, char **argv);
int wlcr_cmd_ls(int argc, char **argv);
int wlcr_cmd_dump(int argc, char **argv);
int wlcr_cmd_restore(int argc, char **argv);
int wlcr_cmd_show(int argc, char **argv);
int wlcr_cmd_move(int argc, char **argv);
int wlcr_cmd_proxy(int argc, char **argv);
int wlcr_cmd_container_args(int argc, char **argv);
int wlcr_cmd_migrate(int argc, char **argv);
int wlcr_cmd_receive(int argc, char **argv);
int wlcr_cmd_link_test(int argc, char **argv);
int wlcr_cmd_keygen(int argc, char **argv);

#endif
