#include "tls.h"

#include <errno.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int path_in(char *buf, size_t cap, const char *dir, const char *name)
{
	char abs[PATH_MAX];
	if (!realpath(dir, abs))
		return -errno;
	int n = snprintf(buf, cap, "%s/%s", abs, name);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int wlcr_tls_creds_load(struct wlcr_tls_creds *c, const char *dir, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	int ret = path_in(c->ca, sizeof(c->ca), dir, WLCR_TLS_CA);
	if (ret == 0)
		ret = path_in(c->cert, sizeof(c->cert), dir, WLCR_TLS_CERT);
	if (ret == 0)
		ret = path_in(c->key, sizeof(c->key), dir, WLCR_TLS_KEY);
	if (ret < 0) {
		snprintf(err, errlen, "key directory %s: %s (make one with wlcr keygen)", dir,
			 strerror(-ret));
		return ret;
	}
	if (gnutls_certificate_allocate_credentials(&c->cred) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int n = gnutls_certificate_set_x509_trust_file(c->cred, c->ca, GNUTLS_X509_FMT_PEM);
	if (n <= 0) {
		snprintf(err, errlen, "%s: %s", c->ca,
			 n < 0 ? gnutls_strerror(n) : "no certificate");
		goto fail;
	}
	n = gnutls_certificate_set_x509_key_file(c->cred, c->cert, c->key, GNUTLS_X509_FMT_PEM);
	if (n < 0) {
		snprintf(err, errlen, "%s, %s: %s", c->cert, c->key, gnutls_strerror(n));
		goto fail;
	}
	return 0;
fail:
	gnutls_certificate_free_credentials(c->cred);
	c->cred = NULL;
	return -EINVAL;
}

void wlcr_tls_creds_finish(struct wlcr_tls_creds *c)
{
	if (c->cred)
		gnutls_certificate_free_credentials(c->cred);
	c->cred = NULL;
}

/* The socket underneath, counted. */
static ssize_t push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
	struct wlcr_tls *t = ptr;
	ssize_t n;
	do {
		n = send(t->fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n > 0)
		t->bytes_out += (uint64_t)n;
	else if (n < 0)
		gnutls_transport_set_errno(t->session, errno);
	return n;
}

static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
	struct wlcr_tls *t = ptr;
	ssize_t n;
	do {
		n = recv(t->fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	if (n > 0)
		t->bytes_in += (uint64_t)n;
	else if (n < 0)
		gnutls_transport_set_errno(t->session, errno);
	return n;
}

static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
	struct wlcr_tls *t = ptr;
	struct pollfd p = { .fd = t->fd, .events = POLLIN };
	int n;
	do {
		n = poll(&p, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
	} while (n < 0 && errno == EINTR);
	return n;
}

/* A cut link must end in an error within the timeout, for the kernel too:
 * unacknowledged data gives up after timeout_ms instead of ~15 minutes of
 * retransmissions, and a silent peer is probed. */
static void socket_timeouts(int fd, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	unsigned user_timeout = (unsigned)timeout_ms;
	int one = 1, idle = 1 + timeout_ms / 3000, cnt = 3;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof(user_timeout));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

/* Why the handshake failed, in words for people; -EACCES when the other
 * side or we refused a certificate. */
static int explain(struct wlcr_tls *t, int ret, bool server, char *err, size_t errlen)
{
	const char *peer = server ? "the connecting side" : "the destination";
	if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		gnutls_datum_t out = { 0 };
		unsigned status = gnutls_session_get_verify_cert_status(t->session);
		gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0);
		snprintf(err, errlen,
			 "%s presented a certificate this host's CA did not sign (%s): its key "
			 "was not made with wlcr keygen --ca from the same CA",
			 peer, out.data ? (char *)out.data : "not trusted");
		gnutls_free(out.data);
		return -EACCES;
	}
	if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND || ret == GNUTLS_E_CERTIFICATE_REQUIRED) {
		snprintf(err, errlen, "%s presented no certificate", peer);
		return -EACCES;
	}
	if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		gnutls_alert_description_t a = gnutls_alert_get(t->session);
		const char *name = gnutls_alert_get_name(a);
		bool cert = a == GNUTLS_A_BAD_CERTIFICATE || a == GNUTLS_A_UNKNOWN_CA ||
			    a == GNUTLS_A_CERTIFICATE_REQUIRED || a == GNUTLS_A_ACCESS_DENIED ||
			    a == GNUTLS_A_UNSUPPORTED_CERTIFICATE ||
			    a == GNUTLS_A_CERTIFICATE_UNKNOWN;
		snprintf(err, errlen, "%s refused us (TLS alert: %s)%s", peer,
			 name ? name : "unknown",
			 cert ? ": it does not trust our certificate; both hosts need keys "
				"from the same CA (wlcr keygen)"
			      : "");
		return cert ? -EACCES : -EPROTO;
	}
	if (ret == GNUTLS_E_TIMEDOUT || ret == GNUTLS_E_AGAIN) {
		snprintf(err, errlen, "%s did not complete the TLS handshake in time", peer);
		return -ETIMEDOUT;
	}
	if (ret == GNUTLS_E_PREMATURE_TERMINATION || ret == GNUTLS_E_PUSH_ERROR ||
	    ret == GNUTLS_E_PULL_ERROR) {
		snprintf(err, errlen, "%s closed the connection during the TLS handshake%s", peer,
			 server ? "" : " (it may not trust our certificate)");
		return -ECONNRESET;
	}
	snprintf(err, errlen, "TLS handshake with %s failed: %s", peer, gnutls_strerror(ret));
	return -EPROTO;
}

int wlcr_tls_start(struct wlcr_tls *t, const struct wlcr_tls_creds *c, int fd, bool server,
		   int timeout_ms, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->timeout_ms = timeout_ms;
	socket_timeouts(fd, timeout_ms);
	int ret = gnutls_init(&t->session, server ? GNUTLS_SERVER : GNUTLS_CLIENT);
	if (ret < 0) {
		snprintf(err, errlen, "TLS: %s", gnutls_strerror(ret));
		return -ENOMEM;
	}
	gnutls_set_default_priority(t->session);
	gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, c->cred);
	if (server)
		gnutls_certificate_server_set_request(t->session, GNUTLS_CERT_REQUIRE);
	/* the CA is what is trusted, not a host name */
	gnutls_session_set_verify_cert(t->session, NULL, 0);
	gnutls_transport_set_ptr(t->session, t);
	gnutls_transport_set_push_function(t->session, push);
	gnutls_transport_set_pull_function(t->session, pull);
	gnutls_transport_set_pull_timeout_function(t->session, pull_timeout);
	gnutls_handshake_set_timeout(t->session, (unsigned)timeout_ms);
	gnutls_record_set_timeout(t->session, (unsigned)timeout_ms);
	do {
		ret = gnutls_handshake(t->session);
	} while (ret < 0 && !gnutls_error_is_fatal(ret) && ret != GNUTLS_E_AGAIN);
	if (ret < 0)
		return explain(t, ret, server, err, errlen);
	/* a client that sent no certificate must not get past a server; and
	 * a server that asked for none is not ours */
	if (gnutls_certificate_get_peers(t->session, NULL) == NULL) {
		snprintf(err, errlen, "%s presented no certificate",
			 server ? "the connecting side" : "the destination");
		return -EACCES;
	}
	return 0;
}

static int io_error(ssize_t n)
{
	switch (n) {
	case 0:
	case GNUTLS_E_PREMATURE_TERMINATION:
		return -ECONNRESET;
	case GNUTLS_E_TIMEDOUT:
	case GNUTLS_E_AGAIN:
		return -ETIMEDOUT;
	case GNUTLS_E_PUSH_ERROR:
	case GNUTLS_E_PULL_ERROR:
		return -EPIPE;
	default:
		return -EPROTO;
	}
}

int wlcr_tls_write(struct wlcr_tls *t, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = gnutls_record_send(t->session, p, len);
		if (n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n <= 0)
			return io_error(n);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int wlcr_tls_read(struct wlcr_tls *t, void *buf, size_t len, int timeout_ms)
{
	uint8_t *p = buf;
	gnutls_record_set_timeout(t->session, (unsigned)timeout_ms);
	while (len) {
		ssize_t n = gnutls_record_recv(t->session, p, len);
		if (n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n <= 0)
			return io_error(n);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

bool wlcr_tls_pending(const struct wlcr_tls *t)
{
	return t->session && gnutls_record_check_pending(t->session) > 0;
}

void wlcr_tls_close(struct wlcr_tls *t)
{
	if (t->session) {
		/* no wait for the peer's close_notify: it may be gone */
		gnutls_bye(t->session, GNUTLS_SHUT_WR);
		gnutls_deinit(t->session);
	}
	if (t->fd >= 0)
		close(t->fd);
	t->session = NULL;
	t->fd = -1;
}
