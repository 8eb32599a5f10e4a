/* A minimal unit-test harness: each test binary lists its cases, each case
 * runs with an fd-leak check around it (as libwayland's test runner does),
 * and the binary exits non-zero if any case failed. */
#ifndef WLCR_UNIT_H
#define WLCR_UNIT_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_case {
	const char *name;
	void (*fn)(void);
};

extern bool unit_failed;

/* CHECK_OR and CHECK_EQ_OR run first (before saying what failed) to show
 * more of the state, as the replay tests print their logs. */
#define CHECK_OR(first, cond)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			first;                                                                     \
			fprintf(stderr, "    %s:%d: CHECK failed: %s\n", __FILE__, __LINE__,       \
				#cond);                                                            \
			unit_failed = true;                                                        \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_EQ_OR(first, a, b)                                                                   \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		if (a_ != b_) {                                                                    \
			first;                                                                     \
			fprintf(stderr, "    %s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n",    \
				__FILE__, __LINE__, #a, a_, #b, b_);                               \
			unit_failed = true;                                                        \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK(cond)    CHECK_OR((void)0, cond)
#define CHECK_EQ(a, b) CHECK_EQ_OR((void)0, a, b)

int unit_count_fds(void);
int unit_run(const struct unit_case *cases, size_t n, int argc, char **argv);

#define UNIT_MAIN(cases)                                                                           \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		return unit_run(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);              \
	}

#endif
