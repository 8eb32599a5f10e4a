/* precopy-writer: the process bench/criu-precopy checkpoints.
 *
 * usage: precopy-writer MIB PAGES_PER_MS RESULT_FILE
 *
 * Maps MIB MiB of private memory, fills each page with a pattern of its number and
 * generation, then rewrites PAGES_PER_MS random pages every millisecond, for ever. On SIGUSR1
 * it checks every page against its generation (kept in its own memory) and writes "ok" or
 * "bad N" into RESULT_FILE: a page whose last write a checkpoint lost holds an older one. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE  4096
#define WORDS (PAGE / sizeof(uint64_t))

static volatile sig_atomic_t check_requested;

static void on_usr1(int sig)
{
	(void)sig;
	check_requested = 1;
}

static uint64_t word(size_t page, uint32_t gen, size_t i)
{
	return ((uint64_t)page << 32 | gen) ^ i;
}

static void fill(char *mem, size_t page, uint32_t gen)
{
	uint64_t *w = (uint64_t *)(mem + page * PAGE);
	for (size_t i = 0; i < WORDS; i += 64)
		w[i] = word(page, gen, i);
}

static size_t count_bad(const char *mem, const uint32_t *gen, size_t pages)
{
	size_t bad = 0;
	for (size_t p = 0; p < pages; p++) {
		const uint64_t *w = (const uint64_t *)(mem + p * PAGE);
		for (size_t i = 0; i < WORDS; i += 64) {
			if (w[i] != word(p, gen[p], i)) {
				bad++;
				break;
			}
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: precopy-writer MIB PAGES_PER_MS RESULT_FILE\n");
		return 2;
	}
	size_t pages = (size_t)atoi(argv[1]) * (1 << 20) / PAGE;
	int rate = atoi(argv[2]);
	const char *result = argv[3];
	char *mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	uint32_t *gen = calloc(pages, sizeof(*gen));
	if (mem == MAP_FAILED || !gen || pages == 0) {
		perror("precopy-writer: memory");
		return 1;
	}
	for (size_t p = 0; p < pages; p++)
		fill(mem, p, 0);
	signal(SIGUSR1, on_usr1);

	unsigned seed = 1;
	for (;;) {
		if (check_requested) {
			check_requested = 0;
			size_t bad = count_bad(mem, gen, pages);
			FILE *f = fopen(result, "w");
			if (f) {
				if (bad)
					fprintf(f, "bad %zu\n", bad);
				else
					fprintf(f, "ok\n");
				fclose(f);
			}
		}
		for (int r = 0; r < rate; r++) {
			size_t p = (size_t)rand_r(&seed) % pages;
			fill(mem, p, ++gen[p]);
		}
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
}
