/* Mutual TLS for the migration channel (GnuTLS), with the credentials that
 * `wlcr keygen` makes and that CRIU's page server and lazy-pages
 * connections get through --tls-cacert/--tls-cert/--tls-key.
 *
 * Both ends prove a certificate signed by the CA in the key directory; the
 * receiving side requires one before it reads anything else. Host names are
 * not checked (as criu --tls-no-cn-verify): what is trusted is the CA, which
 * signs only the hosts a migration may come from or go to. */
#ifndef WLCR_CLI_TLS_H
#define WLCR_CLI_TLS_H

#include <gnutls/gnutls.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The files of a key directory. */
#define WLCR_TLS_CA	"ca.pem"
#define WLCR_TLS_CA_KEY "ca-key.pem" /* only where the CA was made */
#define WLCR_TLS_CERT	"cert.pem"
#define WLCR_TLS_KEY	"key.pem"

struct wlcr_tls_creds {
	gnutls_certificate_credentials_t cred;
	/* absolute paths, for criu's --tls-* options */
	char ca[PATH_MAX], cert[PATH_MAX], key[PATH_MAX];
};

/* One TLS connection over a TCP socket. Every wait is bounded by
 * timeout_ms: a peer that stops answering (a cut link) is an error, not a
 * hang. Bytes are counted as they leave and enter the socket. */
struct wlcr_tls {
	gnutls_session_t session;
	int fd;
	int timeout_ms;
	uint64_t bytes_out, bytes_in;
};

/* Loads DIR's ca.pem, cert.pem and key.pem. Returns 0 or -errno with err. */
int wlcr_tls_creds_load(struct wlcr_tls_creds *c, const char *dir, char *err, size_t errlen);
void wlcr_tls_creds_finish(struct wlcr_tls_creds *c);

/* Handshakes over fd (a connected TCP socket, owned from now on, closed by
 * wlcr_tls_close) as server or client; the peer must present a certificate
 * of our CA. Returns 0, or -EACCES when the peer was not authenticated
 * (err says why), or another -errno. */
int wlcr_tls_start(struct wlcr_tls *t, const struct wlcr_tls_creds *c, int fd, bool server,
		   int timeout_ms, char *err, size_t errlen);
/* Sends all of buf. Returns 0 or -errno (-ETIMEDOUT, -ECONNRESET, -EPROTO). */
int wlcr_tls_write(struct wlcr_tls *t, const void *buf, size_t len);
/* Receives exactly len bytes, waiting at most timeout_ms for each piece.
 * Returns 0, -ECONNRESET at the peer's end, -ETIMEDOUT or -errno. */
int wlcr_tls_read(struct wlcr_tls *t, void *buf, size_t len, int timeout_ms);
/* Data already decrypted and waiting: poll() on fd would not see it. */
bool wlcr_tls_pending(const struct wlcr_tls *t);
void wlcr_tls_close(struct wlcr_tls *t);

#endif
