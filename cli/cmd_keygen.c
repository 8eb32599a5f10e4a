/* wlcr keygen: the credentials of wlcr migrate and wlcr receive.
 *
 * A key directory holds ca.pem (the CA every host trusts), cert.pem and
 * key.pem (this host's certificate, signed by that CA, and its key); the
 * directory where the CA was made also holds ca-key.pem. ECDSA P-256 keys,
 * certificates for TLS client and server use, ten years. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tls.h"

static const char usage[] =
	"usage: wlcr keygen [--ca CA_DIR] [--name NAME] DIR\n"
	"\n"
	"Makes the credentials wlcr migrate and wlcr receive prove to each other.\n"
	"Without --ca: a new CA and a first host key in DIR (ca.pem, ca-key.pem,\n"
	"cert.pem, key.pem). With --ca: another host's key in DIR, signed by the CA\n"
	"in CA_DIR (DIR gets ca.pem, cert.pem, key.pem; the CA's key stays where it is).\n"
	"Give each host its own directory; keep ca-key.pem off the hosts if you can.\n"
	"\n"
	"  --ca CA_DIR   sign with this existing CA\n"
	"  --name NAME   the certificate's common name (default: this host's name)\n";

#define TEN_YEARS (10 * 365 * 24 * 3600L)

static int fail(const char *what, int ret)
{
	fprintf(stderr, "wlcr keygen: %s: %s\n", what, gnutls_strerror(ret));
	return -EIO;
}

/* Writes data to DIR/NAME, created with mode (never over an existing one). */
static int write_file(const char *dir, const char *name, const gnutls_datum_t *d, mode_t mode)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		fprintf(stderr, "wlcr keygen: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	ssize_t n = write(fd, d->data, d->size);
	int e = n == (ssize_t)d->size ? 0 : errno ? errno : EIO;
	if (close(fd) < 0 && !e)
		e = errno;
	if (e) {
		fprintf(stderr, "wlcr keygen: %s: %s\n", path, strerror(e));
		unlink(path);
		return -e;
	}
	return 0;
}

static int load(const char *dir, const char *name, gnutls_datum_t *d)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int ret = gnutls_load_file(path, d);
	if (ret < 0) {
		fprintf(stderr, "wlcr keygen: %s: %s\n", path, gnutls_strerror(ret));
		return -ENOENT;
	}
	return 0;
}

static int new_key(gnutls_x509_privkey_t *key)
{
	int ret = gnutls_x509_privkey_init(key);
	if (ret == 0)
		ret = gnutls_x509_privkey_generate(
			*key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	return ret < 0 ? fail("key generation", ret) : 0;
}

/* A certificate for key, named cn, valid from a minute ago for ten years. */
static int new_cert(gnutls_x509_crt_t *crt, gnutls_x509_privkey_t key, const char *cn, bool ca)
{
	unsigned char serial[16];
	time_t now = time(NULL);
	if (getrandom(serial, sizeof(serial), 0) != sizeof(serial))
		return -EIO;
	serial[0] &= 0x7f; /* a positive number */
	int ret = gnutls_x509_crt_init(crt);
	if (ret == 0)
		ret = gnutls_x509_crt_set_version(*crt, 3);
	if (ret == 0)
		ret = gnutls_x509_crt_set_serial(*crt, serial, sizeof(serial));
	if (ret == 0)
		ret = gnutls_x509_crt_set_activation_time(*crt, now - 60);
	if (ret == 0)
		ret = gnutls_x509_crt_set_expiration_time(*crt, now + TEN_YEARS);
	if (ret == 0)
		ret = gnutls_x509_crt_set_dn_by_oid(*crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
						    (unsigned)strlen(cn));
	if (ret == 0)
		ret = gnutls_x509_crt_set_key(*crt, key);
	if (ret == 0)
		ret = gnutls_x509_crt_set_basic_constraints(*crt, ca, -1);
	if (ret == 0)
		ret = gnutls_x509_crt_set_key_usage(*crt, ca ? GNUTLS_KEY_KEY_CERT_SIGN |
									  GNUTLS_KEY_CRL_SIGN
							     : GNUTLS_KEY_DIGITAL_SIGNATURE);
	/* every host is a TLS server (receive, page server) and a client */
	if (ret == 0 && !ca)
		ret = gnutls_x509_crt_set_key_purpose_oid(*crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
	if (ret == 0 && !ca)
		ret = gnutls_x509_crt_set_key_purpose_oid(*crt, GNUTLS_KP_TLS_WWW_CLIENT, 0);
	if (ret == 0) {
		unsigned char id[64];
		size_t idlen = sizeof(id);
		ret = gnutls_x509_crt_get_key_id(*crt, 0, id, &idlen);
		if (ret == 0)
			ret = gnutls_x509_crt_set_subject_key_id(*crt, id, idlen);
	}
	return ret < 0 ? fail("certificate", ret) : 0;
}

static int export_all(const char *dir, gnutls_x509_crt_t crt, gnutls_x509_privkey_t key,
		      const char *crt_name, const char *key_name)
{
	gnutls_datum_t c = { 0 }, k = { 0 };
	int ret = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &c);
	if (ret == 0)
		ret = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &k);
	if (ret < 0) {
		ret = fail("export", ret);
	} else {
		ret = write_file(dir, key_name, &k, 0600);
		if (ret == 0)
			ret = write_file(dir, crt_name, &c, 0644);
	}
	gnutls_free(c.data);
	gnutls_free(k.data);
	return ret;
}

int wlcr_cmd_keygen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ca", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *ca_dir = NULL, *name = NULL;
	char host[256];
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'c') {
			ca_dir = optarg;
		} else if (c == 'n') {
			name = optarg;
		} else if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fputs(usage, stderr);
		return 2;
	}
	const char *dir = argv[optind];
	if (!name) {
		if (gethostname(host, sizeof(host)) < 0)
			snprintf(host, sizeof(host), "wlcr-host");
		host[sizeof(host) - 1] = '\0';
		name = host;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "wlcr keygen: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}

	gnutls_x509_privkey_t ca_key = NULL, key = NULL;
	gnutls_x509_crt_t ca_crt = NULL, crt = NULL;
	gnutls_datum_t ca_pem = { 0 }, ca_key_pem = { 0 };
	int ret;
	if (ca_dir) {
		ret = load(ca_dir, WLCR_TLS_CA, &ca_pem);
		if (ret == 0)
			ret = load(ca_dir, WLCR_TLS_CA_KEY, &ca_key_pem);
		if (ret == 0 &&
		    ((ret = gnutls_x509_crt_init(&ca_crt)) < 0 ||
		     (ret = gnutls_x509_crt_import(ca_crt, &ca_pem, GNUTLS_X509_FMT_PEM)) < 0 ||
		     (ret = gnutls_x509_privkey_init(&ca_key)) < 0 ||
		     (ret = gnutls_x509_privkey_import(ca_key, &ca_key_pem, GNUTLS_X509_FMT_PEM)) <
			     0))
			ret = fail(ca_dir, ret);
		if (ret == 0)
			ret = write_file(dir, WLCR_TLS_CA, &ca_pem, 0644);
	} else {
		char ca_name[300];
		snprintf(ca_name, sizeof(ca_name), "wlcr migration CA (%s)", name);
		ret = new_key(&ca_key);
		if (ret == 0)
			ret = new_cert(&ca_crt, ca_key, ca_name, true);
		if (ret == 0 &&
		    (ret = gnutls_x509_crt_sign2(ca_crt, ca_crt, ca_key, GNUTLS_DIG_SHA256, 0)) < 0)
			ret = fail("signing the CA", ret);
		if (ret == 0)
			ret = export_all(dir, ca_crt, ca_key, WLCR_TLS_CA, WLCR_TLS_CA_KEY);
	}
	if (ret == 0)
		ret = new_key(&key);
	if (ret == 0)
		ret = new_cert(&crt, key, name, false);
	if (ret == 0) {
		unsigned char id[64];
		size_t idlen = sizeof(id);
		if (gnutls_x509_crt_get_subject_key_id(ca_crt, id, &idlen, NULL) == 0)
			gnutls_x509_crt_set_authority_key_id(crt, id, idlen);
		if ((ret = gnutls_x509_crt_sign2(crt, ca_crt, ca_key, GNUTLS_DIG_SHA256, 0)) < 0)
			ret = fail("signing the host certificate", ret);
	}
	if (ret == 0)
		ret = export_all(dir, crt, key, WLCR_TLS_CERT, WLCR_TLS_KEY);
	gnutls_free(ca_pem.data);
	gnutls_free(ca_key_pem.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (ca_crt)
		gnutls_x509_crt_deinit(ca_crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	if (ca_key)
		gnutls_x509_privkey_deinit(ca_key);
	if (ret < 0)
		return 1;
	if (ca_dir)
		printf("wlcr keygen: %s: a key for \"%s\" signed by the CA in %s\n", dir, name,
		       ca_dir);
	else
		printf("wlcr keygen: %s: a new CA and a key for \"%s\"\n", dir, name);
	if (!ca_dir)
		printf("  for another host: wlcr keygen --ca %s OTHER_DIR, then copy OTHER_DIR "
		       "there\n",
		       dir);
	return 0;
}
