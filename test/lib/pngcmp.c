// SPDX-License-Identifier: MIT
/*
 * wlcr-pngcmp: the pixel checks of the end-to-end tests.
 *
 * Screenshots of a headless compositor with a solid background: "locate" finds the window as the
 * region that is not background, "compare" compares two such regions (the window may have moved
 * between the shots) with a per-channel tolerance and can write a diff image for the artifacts.
 * Only RGB is compared: screenshots of XRGB outputs carry no meaningful alpha.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#define PROG "wlcr-pngcmp"

/* Large enough for any test output, small enough that w * h * 4 cannot overflow. */
#define MAX_DIM 16384

enum { EXIT_SAME = 0, EXIT_DIFFER = 1, EXIT_ERROR = 2 };

struct image {
	const char *path;
	uint32_t width, height;
	uint8_t *rgba; /* width * height * 4 bytes, rows top to bottom */
};

struct rect {
	uint32_t x, y, w, h;
};

static void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " locate SHOT.png RRGGBB [--min-area N] [--tolerance N]\n"
		"       " PROG " compare A.png B.png [--rect-a X,Y,W,H] [--rect-b X,Y,W,H]\n"
		"                   [--tolerance N] [--max-diff-pixels N] [--diff OUT.png]\n"
		"       " PROG " --help\n"
		"\n"
		"locate   print 'x y w h', the bounding box of the pixels whose colour differs\n"
		"         from RRGGBB by more than --tolerance (default 0) in some channel;\n"
		"         connected regions of fewer than --min-area pixels (default 1) are\n"
		"         ignored (a cursor, a stray pixel). Exit 0 found, 1 none, 2 error.\n"
		"compare  compare rectangle A of A.png with rectangle B of B.png (default:\n"
		"         the whole image); a pixel differs when a channel differs by more\n"
		"         than --tolerance (default 8); the images are the same when at most\n"
		"         --max-diff-pixels (default 0) differ. --diff writes, on mismatch, the\n"
		"         differing pixels in red over a dimmed copy of rectangle A.\n"
		"         Exit 0 same, 1 differ, 2 error.\n"
		"Rectangles may also be given as 'X Y W H'. Alpha is ignored.\n");
}

static void image_finish(struct image *img)
{
	free(img->rgba);
	img->rgba = NULL;
}

static int image_load(struct image *img, const char *path)
{
	png_image png;

	memset(img, 0, sizeof(*img));
	img->path = path;
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&png, path)) {
		err("%s: cannot read PNG: %s", path, png.message);
		return -1;
	}
	if (png.width == 0 || png.height == 0 || png.width > MAX_DIM || png.height > MAX_DIM) {
		err("%s: unsupported size %ux%u", path, png.width, png.height);
		png_image_free(&png);
		return -1;
	}
	png.format = PNG_FORMAT_RGBA;
	img->rgba = malloc(PNG_IMAGE_SIZE(png));
	if (!img->rgba) {
		err("%s: out of memory", path);
		png_image_free(&png);
		return -1;
	}
	if (!png_image_finish_read(&png, NULL, img->rgba, 0, NULL)) {
		err("%s: cannot decode PNG: %s", path, png.message);
		png_image_free(&png);
		image_finish(img);
		return -1;
	}
	img->width = png.width;
	img->height = png.height;
	return 0;
}

static int image_save(const char *path, const uint8_t *rgba, uint32_t width, uint32_t height)
{
	png_image png;

	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	png.width = width;
	png.height = height;
	png.format = PNG_FORMAT_RGBA;
	if (!png_image_write_to_file(&png, path, 0, rgba, 0, NULL)) {
		err("%s: cannot write PNG: %s", path, png.message);
		return -1;
	}
	return 0;
}

static const uint8_t *pixel(const struct image *img, uint32_t x, uint32_t y)
{
	return img->rgba + ((size_t)y * img->width + x) * 4;
}

static int channel_delta(const uint8_t *a, const uint8_t *b)
{
	int max = 0;

	for (int c = 0; c < 3; c++) {
		int d = abs((int)a[c] - (int)b[c]);
		if (d > max) {
			max = d;
		}
	}
	return max;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9') {
		return -1;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max) {
		return -1;
	}
	*ret = v;
	return 0;
}

static int parse_color(const char *s, uint8_t ret[3])
{
	char *end;
	unsigned long v;

	if (s[0] == '#') {
		s++;
	} else if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
	}
	if (strlen(s) != 6 || strspn(s, "0123456789abcdefABCDEF") != 6) {
		return -1;
	}
	v = strtoul(s, &end, 16);
	ret[0] = (uint8_t)(v >> 16);
	ret[1] = (uint8_t)(v >> 8);
	ret[2] = (uint8_t)v;
	return 0;
}

static int parse_rect(const char *s, struct rect *ret)
{
	unsigned long v[4];
	const char *p = s;

	for (int i = 0; i < 4; i++) {
		char buf[16];
		size_t n = strcspn(p, ", ");

		if (n == 0 || n >= sizeof(buf)) {
			return -1;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (parse_ulong(buf, MAX_DIM, &v[i]) < 0) {
			return -1;
		}
		p += n;
		if (i < 3) {
			if (*p != ',' && *p != ' ') {
				return -1;
			}
			p++;
		}
	}
	if (*p || v[2] == 0 || v[3] == 0) {
		return -1;
	}
	ret->x = (uint32_t)v[0];
	ret->y = (uint32_t)v[1];
	ret->w = (uint32_t)v[2];
	ret->h = (uint32_t)v[3];
	return 0;
}

static bool rect_inside(const struct rect *r, const struct image *img)
{
	return r->x < img->width && r->y < img->height && r->w <= img->width - r->x &&
	       r->h <= img->height - r->y;
}

/*
 * Flood fill one connected region of marked pixels (8-connected, so that anti-aliased diagonal
 * edges stay one region), clearing the marks; returns its size and grows *box by it.
 */
static size_t take_region(uint8_t *mark, uint32_t *stack, uint32_t w, uint32_t h, uint32_t start,
			  struct rect *box)
{
	size_t top = 0, count = 0;
	uint32_t x0 = w, y0 = h, x1 = 0, y1 = 0;

	mark[start] = 0;
	stack[top++] = start;
	while (top > 0) {
		uint32_t i = stack[--top];
		uint32_t x = i % w, y = i / w;

		count++;
		x0 = x < x0 ? x : x0;
		y0 = y < y0 ? y : y0;
		x1 = x > x1 ? x : x1;
		y1 = y > y1 ? y : y1;
		for (int dy = -1; dy <= 1; dy++) {
			for (int dx = -1; dx <= 1; dx++) {
				long nx = (long)x + dx, ny = (long)y + dy;
				uint32_t n;

				if (nx < 0 || ny < 0 || nx >= (long)w || ny >= (long)h) {
					continue;
				}
				n = (uint32_t)ny * w + (uint32_t)nx;
				if (mark[n]) {
					/* Cleared when pushed: each pixel is pushed once. */
					mark[n] = 0;
					stack[top++] = n;
				}
			}
		}
	}
	box->x = x0;
	box->y = y0;
	box->w = x1 - x0 + 1;
	box->h = y1 - y0 + 1;
	return count;
}

static void rect_union(struct rect *acc, bool *have, const struct rect *r)
{
	uint32_t x1, y1;

	if (!*have) {
		*acc = *r;
		*have = true;
		return;
	}
	x1 = acc->x + acc->w > r->x + r->w ? acc->x + acc->w : r->x + r->w;
	y1 = acc->y + acc->h > r->y + r->h ? acc->y + acc->h : r->y + r->h;
	acc->x = r->x < acc->x ? r->x : acc->x;
	acc->y = r->y < acc->y ? r->y : acc->y;
	acc->w = x1 - acc->x;
	acc->h = y1 - acc->y;
}

static int cmd_locate(int argc, char **argv)
{
	const char *path = NULL, *color = NULL;
	unsigned long min_area = 1, tolerance = 0;
	uint8_t bg[3];
	struct image img;
	uint8_t *mark = NULL;
	uint32_t *stack = NULL;
	struct rect box = { 0 };
	bool have = false;
	size_t n;
	int ret = EXIT_ERROR;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--min-area") && i + 1 < argc) {
			if (parse_ulong(argv[++i], (unsigned long)MAX_DIM * MAX_DIM, &min_area) <
			    0) {
				err("locate: bad --min-area '%s'", argv[i]);
				return EXIT_ERROR;
			}
		} else if (!strcmp(argv[i], "--tolerance") && i + 1 < argc) {
			if (parse_ulong(argv[++i], 255, &tolerance) < 0) {
				err("locate: bad --tolerance '%s'", argv[i]);
				return EXIT_ERROR;
			}
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			err("locate: unknown or incomplete option '%s'", argv[i]);
			return EXIT_ERROR;
		} else if (!path) {
			path = argv[i];
		} else if (!color) {
			color = argv[i];
		} else {
			err("locate: unexpected argument '%s'", argv[i]);
			return EXIT_ERROR;
		}
	}
	if (!path || !color) {
		err("locate: expected SHOT.png RRGGBB (see --help)");
		return EXIT_ERROR;
	}
	if (parse_color(color, bg) < 0) {
		err("locate: bad colour '%s', expected RRGGBB", color);
		return EXIT_ERROR;
	}
	if (image_load(&img, path) < 0) {
		return EXIT_ERROR;
	}

	n = (size_t)img.width * img.height;
	mark = malloc(n);
	stack = malloc(n * sizeof(*stack));
	if (!mark || !stack) {
		err("%s: out of memory", path);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		mark[i] = channel_delta(img.rgba + i * 4, bg) > (int)tolerance;
	}
	for (size_t i = 0; i < n; i++) {
		struct rect r;

		if (mark[i] &&
		    take_region(mark, stack, img.width, img.height, (uint32_t)i, &r) >= min_area) {
			rect_union(&box, &have, &r);
		}
	}
	if (have) {
		printf("%u %u %u %u\n", box.x, box.y, box.w, box.h);
		ret = EXIT_SAME;
	} else {
		fprintf(stderr, "%s: no region differs from %s\n", path, color);
		ret = EXIT_DIFFER;
	}
out:
	free(stack);
	free(mark);
	image_finish(&img);
	return ret;
}

struct compare_opts {
	const char *path_a, *path_b, *diff_path;
	struct rect rect_a, rect_b;
	bool have_rect_a, have_rect_b;
	unsigned long tolerance, max_diff_pixels;
};

static int compare_parse(int argc, char **argv, struct compare_opts *o)
{
	for (int i = 0; i < argc; i++) {
		const char *opt = argv[i];
		bool has_value = i + 1 < argc;

		if (!strcmp(opt, "--rect-a") && has_value) {
			if (parse_rect(argv[++i], &o->rect_a) < 0) {
				err("compare: bad --rect-a '%s', expected X,Y,W,H", argv[i]);
				return -1;
			}
			o->have_rect_a = true;
		} else if (!strcmp(opt, "--rect-b") && has_value) {
			if (parse_rect(argv[++i], &o->rect_b) < 0) {
				err("compare: bad --rect-b '%s', expected X,Y,W,H", argv[i]);
				return -1;
			}
			o->have_rect_b = true;
		} else if (!strcmp(opt, "--tolerance") && has_value) {
			if (parse_ulong(argv[++i], 255, &o->tolerance) < 0) {
				err("compare: bad --tolerance '%s'", argv[i]);
				return -1;
			}
		} else if (!strcmp(opt, "--max-diff-pixels") && has_value) {
			if (parse_ulong(argv[++i], ULONG_MAX, &o->max_diff_pixels) < 0) {
				err("compare: bad --max-diff-pixels '%s'", argv[i]);
				return -1;
			}
		} else if (!strcmp(opt, "--diff") && has_value) {
			o->diff_path = argv[++i];
		} else if (opt[0] == '-' && opt[1] == '-') {
			err("compare: unknown or incomplete option '%s'", opt);
			return -1;
		} else if (!o->path_a) {
			o->path_a = opt;
		} else if (!o->path_b) {
			o->path_b = opt;
		} else {
			err("compare: unexpected argument '%s'", opt);
			return -1;
		}
	}
	if (!o->path_a || !o->path_b) {
		err("compare: expected A.png B.png (see --help)");
		return -1;
	}
	return 0;
}

static int check_rect(struct rect *r, bool given, const struct image *img, const char *name)
{
	if (!given) {
		*r = (struct rect){ 0, 0, img->width, img->height };
		return 0;
	}
	if (!rect_inside(r, img)) {
		err("%s: %s %u,%u,%u,%u is outside the %ux%u image", img->path, name, r->x, r->y,
		    r->w, r->h, img->width, img->height);
		return -1;
	}
	return 0;
}

static int cmd_compare(int argc, char **argv)
{
	struct compare_opts o = { .tolerance = 8 };
	struct image a = { 0 }, b = { 0 };
	uint8_t *diff = NULL;
	size_t differ = 0, total;
	int max_delta = 0, ret = EXIT_ERROR;

	if (compare_parse(argc, argv, &o) < 0) {
		return EXIT_ERROR;
	}
	if (image_load(&a, o.path_a) < 0 || image_load(&b, o.path_b) < 0) {
		goto out;
	}
	if (check_rect(&o.rect_a, o.have_rect_a, &a, "--rect-a") < 0 ||
	    check_rect(&o.rect_b, o.have_rect_b, &b, "--rect-b") < 0) {
		goto out;
	}
	if (o.rect_a.w != o.rect_b.w || o.rect_a.h != o.rect_b.h) {
		printf("differ: sizes differ: %ux%u at %u,%u in %s, %ux%u at %u,%u in %s\n",
		       o.rect_a.w, o.rect_a.h, o.rect_a.x, o.rect_a.y, o.path_a, o.rect_b.w,
		       o.rect_b.h, o.rect_b.x, o.rect_b.y, o.path_b);
		ret = EXIT_DIFFER;
		goto out;
	}

	total = (size_t)o.rect_a.w * o.rect_a.h;
	if (o.diff_path) {
		diff = malloc(total * 4);
		if (!diff) {
			err("%s: out of memory", o.diff_path);
			goto out;
		}
	}
	for (uint32_t y = 0; y < o.rect_a.h; y++) {
		for (uint32_t x = 0; x < o.rect_a.w; x++) {
			const uint8_t *pa = pixel(&a, o.rect_a.x + x, o.rect_a.y + y);
			const uint8_t *pb = pixel(&b, o.rect_b.x + x, o.rect_b.y + y);
			int d = channel_delta(pa, pb);
			bool bad = d > (int)o.tolerance;

			differ += bad;
			max_delta = d > max_delta ? d : max_delta;
			if (diff) {
				uint8_t *pd = diff + ((size_t)y * o.rect_a.w + x) * 4;

				/* Dim A so that the red marks stand out even on red content. */
				for (int c = 0; c < 3; c++) {
					pd[c] = bad ? (c == 0 ? 255 : 0)
						    : (uint8_t)(pa[c] / 4 + 32);
				}
				pd[3] = 255;
			}
		}
	}

	if (differ <= o.max_diff_pixels) {
		printf("same: %zu of %zu pixels differ (max channel delta %d)\n", differ, total,
		       max_delta);
		ret = EXIT_SAME;
		goto out;
	}
	printf("differ: %zu of %zu pixels differ by more than %lu (max delta %d)\n", differ, total,
	       o.tolerance, max_delta);
	ret = EXIT_DIFFER;
	/* The verdict first, then any error writing the diff. */
	fflush(stdout);
	if (diff && image_save(o.diff_path, diff, o.rect_a.w, o.rect_a.h) < 0) {
		ret = EXIT_ERROR;
	}
out:
	free(diff);
	image_finish(&b);
	image_finish(&a);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "locate")) {
		return cmd_locate(argc - 2, argv + 2);
	}
	if (!strcmp(argv[1], "compare")) {
		return cmd_compare(argc - 2, argv + 2);
	}
	err("unknown command '%s' (see --help)", argv[1]);
	return EXIT_ERROR;
}
