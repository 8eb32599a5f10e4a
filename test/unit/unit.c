#include "unit.h"

#include <signal.h>

bool unit_failed;

int unit_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

int unit_run(const struct unit_case *cases, size_t n, int argc, char **argv)
{
	size_t failed = 0, ran = 0;
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < n; i++) {
		/* optional filter: run only the named cases */
		if (argc > 1) {
			bool wanted = false;
			for (int a = 1; a < argc; a++)
				wanted |= strcmp(argv[a], cases[i].name) == 0;
			if (!wanted)
				continue;
		}
		int before = unit_count_fds();
		unit_failed = false;
		cases[i].fn();
		int after = unit_count_fds();
		if (!unit_failed && after != before) {
			fprintf(stderr, "    fd leak: %d fds open before, %d after\n", before,
				after);
			unit_failed = true;
		}
		printf("%s %s\n", unit_failed ? "FAIL" : "ok  ", cases[i].name);
		fflush(stdout);
		failed += unit_failed;
		ran++;
	}
	printf("%zu of %zu cases passed\n", ran - failed, ran);
	return failed || ran == 0 ? 1 : 0;
}
