#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

pid_t wlcr_pid_in_ns(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	pid_t inner = pid;
	if (!f)
		return pid;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		char *save, *tok = strtok_r(line + 6, " \t\n", &save);
		while (tok) {
			inner = (pid_t)atoi(tok);
			tok = strtok_r(NULL, " \t\n", &save);
		}
		break;
	}
	fclose(f);
	return inner;
}
