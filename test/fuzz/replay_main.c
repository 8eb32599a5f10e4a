/* Replays files (or every file in directories) through the fuzz target,
 * without libFuzzer: make check runs the committed corpus this way, under
 * gcc and under ASan/UBSan. An input that leaves an fd open fails it: each
 * input's state must be its own. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			unsigned char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = b;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	int before = count_fds();
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	int after = count_fds();
	if (after != before) {
		fprintf(stderr, "%s: %d fds open after it, %d before\n", path, after, before);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t files = 0;
	/* what the target opens once and keeps (/dev/null) */
	static const unsigned char none[1];
	LLVMFuzzerTestOneInput(none, 0);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]) < 0)
				return 1;
			files++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (run_file(path) < 0)
				return 1;
			files++;
		}
		if (d)
			closedir(d);
	}
	printf("replayed %zu inputs without a crash\n", files);
	return files ? 0 : 1;
}
