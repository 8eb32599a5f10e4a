/* helper/objmap.c: the id rules libwayland-server applies to new ids. */
#include <errno.h>

#include "objmap.h"
#include "unit.h"

static void new_ids_must_not_skip_slots(void)
{
	struct wlcr_objmap map;
	int a, b, c;
	wlcr_objmap_init(&map);
	CHECK_EQ(wlcr_objmap_insert(&map, 1, (struct wlcr_object *)&a), 0);
	CHECK_EQ(wlcr_objmap_insert(&map, 3, (struct wlcr_object *)&b), -EINVAL);
	CHECK_EQ(wlcr_objmap_insert(&map, 2, (struct wlcr_object *)&b), 0);
	CHECK_EQ(wlcr_objmap_insert(&map, 2, (struct wlcr_object *)&c), -EEXIST);
	CHECK_EQ(wlcr_objmap_insert(&map, 0, (struct wlcr_object *)&c), -EINVAL);
	wlcr_objmap_finish(&map);
}

static void freed_slots_are_reused_and_the_high_water_mark_stays(void)
{
	struct wlcr_objmap map;
	int a[5];
	wlcr_objmap_init(&map);
	for (uint32_t i = 1; i <= 4; i++)
		CHECK_EQ(wlcr_objmap_insert(&map, i, (struct wlcr_object *)&a[i]), 0);
	wlcr_objmap_remove(&map, 4);
	wlcr_objmap_remove(&map, 3);
	/* libwayland-server still counts 5 as the next id */
	CHECK_EQ(map.client_len, 5);
	CHECK_EQ(wlcr_objmap_insert(&map, 5, (struct wlcr_object *)&a[0]), 0);
	CHECK_EQ(wlcr_objmap_insert(&map, 3, (struct wlcr_object *)&a[3]), 0);
	CHECK(wlcr_objmap_get(&map, 4) == NULL);
	CHECK(wlcr_objmap_get(&map, 3) == (struct wlcr_object *)&a[3]);
	wlcr_objmap_finish(&map);
}

static void server_ids_are_a_separate_range(void)
{
	struct wlcr_objmap map;
	int a, b;
	wlcr_objmap_init(&map);
	CHECK_EQ(wlcr_objmap_insert(&map, 0xff000000u, (struct wlcr_object *)&a), 0);
	CHECK_EQ(wlcr_objmap_insert(&map, 0xff000002u, (struct wlcr_object *)&b), -EINVAL);
	CHECK_EQ(wlcr_objmap_insert(&map, 0xff000001u, (struct wlcr_object *)&b), 0);
	CHECK(wlcr_objmap_get(&map, 0xff000001u) == (struct wlcr_object *)&b);
	CHECK(wlcr_objmap_get(&map, 1) == NULL);
	CHECK(wlcr_objmap_get(&map, 0xfeffffffu) == NULL);
	wlcr_objmap_finish(&map);
}

static const struct unit_case cases[] = {
	{ "new_ids_must_not_skip_slots", new_ids_must_not_skip_slots },
	{ "freed_slots_are_reused_and_the_high_water_mark_stays",
	  freed_slots_are_reused_and_the_high_water_mark_stays },
	{ "server_ids_are_a_separate_range", server_ids_are_a_separate_range },
};

UNIT_MAIN(cases)
