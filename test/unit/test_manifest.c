/* common/image.c's manifest: the images one dump wrote, so that a restore
 * from a reused directory takes only those. Written, read back, replaced,
 * removed; and what is not a manifest refused with the reason. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "unit.h"

static int tmpdir(char *path)
{
	strcpy(path, "/tmp/wlcr-test-manifest.XXXXXX");
	if (!mkdtemp(path))
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void cleanup(int dirfd, const char *path)
{
	unlinkat(dirfd, WLCR_MANIFEST, 0);
	unlinkat(dirfd, WLCR_MANIFEST ".tmp", 0);
	close(dirfd);
	rmdir(path);
}

static void write_file(int dirfd, const char *text)
{
	int fd = openat(dirfd, WLCR_MANIFEST, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			unit_failed = true;
		close(fd);
	}
}

static void test_round_trip(void)
{
	char path[64], err[256];
	int dirfd = tmpdir(path);
	CHECK(dirfd >= 0);
	unsigned long long inos[] = { 12345, 18446744073709551615ull, 7 }, *got = NULL;
	size_t n = 99;
	CHECK_EQ(wlcr_manifest_read(dirfd, &got, &n, err, sizeof(err)), -ENOENT);
	CHECK_EQ(wlcr_manifest_write(dirfd, inos, 3, err, sizeof(err)), 0);
	CHECK_EQ(wlcr_manifest_read(dirfd, &got, &n, err, sizeof(err)), 0);
	CHECK_EQ(n, 3);
	CHECK(got[0] == inos[0] && got[1] == inos[1] && got[2] == inos[2]);
	free(got);
	/* a later dump into the same directory replaces it */
	CHECK_EQ(wlcr_manifest_write(dirfd, inos + 2, 1, err, sizeof(err)), 0);
	CHECK_EQ(wlcr_manifest_read(dirfd, &got, &n, err, sizeof(err)), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(got[0], 7);
	free(got);
	CHECK(faccessat(dirfd, WLCR_MANIFEST ".tmp", F_OK, 0) < 0);
	CHECK_EQ(wlcr_manifest_remove(dirfd), 0);
	CHECK_EQ(wlcr_manifest_read(dirfd, &got, &n, err, sizeof(err)), -ENOENT);
	/* removing none is no error: a dump into a fresh directory */
	CHECK_EQ(wlcr_manifest_remove(dirfd), 0);
	cleanup(dirfd, path);
}

static void test_empty(void)
{
	char path[64], err[256];
	int dirfd = tmpdir(path);
	CHECK(dirfd >= 0);
	unsigned long long *got = NULL;
	size_t n = 99;
	CHECK_EQ(wlcr_manifest_write(dirfd, NULL, 0, err, sizeof(err)), 0);
	CHECK_EQ(wlcr_manifest_read(dirfd, &got, &n, err, sizeof(err)), 0);
	CHECK_EQ(n, 0);
	free(got);
	cleanup(dirfd, path);
}

static void expect_refused(const char *text, const char *why)
{
	char path[64], err[256] = "";
	int dirfd = tmpdir(path);
	CHECK(dirfd >= 0);
	unsigned long long *got = NULL;
	size_t n = 0;
	write_file(dirfd, text);
	int ret = wlcr_manifest_read(dirfd, &got, &n, err, sizeof(err));
	cleanup(dirfd, path);
	CHECK_OR(fprintf(stderr, "    %s: %s\n", text, err), ret == -EINVAL);
	CHECK_OR(fprintf(stderr, "    %s: %s\n", text, err), strstr(err, why) != NULL);
}

static void test_refused(void)
{
	expect_refused("", "not a wlcr manifest");
	expect_refused("wayland-1.img\n", "not a wlcr manifest");
	expect_refused("wlcr-manifest 2\nwayland-1.img\n", "manifest version 2");
	expect_refused("wlcr-manifest 1\nwayland-1.img\nwayland-x.img\n", "line 3");
	expect_refused("wlcr-manifest 1\n../etc/passwd\n", "line 2");
	expect_refused("wlcr-manifest 1\nwayland-12.imgx\n", "line 2");
}

static void test_names(void)
{
	unsigned long long ino = 0;
	char name[64];
	wlcr_image_name(name, sizeof(name), 4242);
	CHECK_EQ(wlcr_image_name_ino(name, &ino), 1);
	CHECK_EQ(ino, 4242);
	CHECK_EQ(wlcr_image_name_ino("wayland-.img", &ino), 0);
	CHECK_EQ(wlcr_image_name_ino("wayland--3.img", &ino), 0);
	CHECK_EQ(wlcr_image_name_ino("wayland-3.img.tmp", &ino), 0);
	CHECK_EQ(wlcr_image_name_ino(WLCR_MANIFEST, &ino), 0);
}

static const struct unit_case cases[] = {
	{ "manifest_round_trip", test_round_trip },
	{ "manifest_empty", test_empty },
	{ "manifest_refused", test_refused },
	{ "image_names", test_names },
};

UNIT_MAIN(cases)
