/*
 * test_buf.c - unit tests for lib/buf: growth, take and free, and a buf
 * started in the caller's space (buf_init_on) that must move to the heap
 * when it outgrows the space and never hand out or free that space; and
 * lib/strlist's clear, which empties a list and keeps its array.
 */
#include "buf.h"
#include "check_helpers.h"
#include "strlist.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_heap_buf_grows_and_stays_terminated)
{
	struct buf b;
	int i;

	buf_init(&b);
	for (i = 0; i < 1000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	ck_assert_uint_eq(b.len, 1000);
	ck_assert_uint_eq(strlen(buf_cstr(&b)), 1000);
	buf_printf(&b, "%d", 42);
	ck_assert_str_eq(buf_cstr(&b) + 1000, "42");
	buf_free(&b);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(test_space_buf_stays_in_space_while_it_fits)
{
	char space[16];
	struct buf b;
	char *t;

	buf_init_on(&b, space, sizeof(space));
	buf_puts(&b, "abc@example");
	ck_assert_ptr_eq(b.data, space);
	ck_assert_str_eq(space, "abc@example");
	t = buf_take(&b);	/* a heap copy, never the caller's space */
	ck_assert_ptr_ne(t, space);
	ck_assert_str_eq(t, "abc@example");
	ck_assert_ptr_null(b.data);
	free(t);
	buf_free(&b);
}
END_TEST

START_TEST(test_space_buf_moves_to_heap_when_outgrown)
{
	char space[8];
	struct buf b;
	char *t;

	buf_init_on(&b, space, sizeof(space));
	buf_puts(&b, "1234567");	/* exactly fills: 7 + NUL */
	ck_assert_ptr_eq(b.data, space);
	buf_putc(&b, '8');
	ck_assert_ptr_ne(b.data, space);
	ck_assert_str_eq(buf_cstr(&b), "12345678");
	buf_printf(&b, "%s", "-and-a-good-deal-more");
	ck_assert_str_eq(buf_cstr(&b), "12345678-and-a-good-deal-more");
	t = buf_take(&b);	/* the heap text itself */
	ck_assert_str_eq(t, "12345678-and-a-good-deal-more");
	free(t);
}
END_TEST

START_TEST(test_space_buf_free_and_reset)
{
	char space[32];
	struct buf b;

	buf_init_on(&b, space, sizeof(space));
	buf_puts(&b, "text");
	buf_reset(&b);
	ck_assert_str_eq(buf_cstr(&b), "");
	ck_assert_ptr_eq(b.data, space);
	buf_free(&b);	/* must not free the stack (ASan would catch it) */
	ck_assert_ptr_null(b.data);
	ck_assert_ptr_null(b.space);
}
END_TEST

START_TEST(test_strlist_clear_keeps_the_array_for_new_items)
{
	struct strlist l = STRLIST_INIT;
	char **array;

	strlist_add(&l, "a@staff.example");
	strlist_add(&l, "b@staff.example");
	strlist_add(&l, "c@staff.example");
	array = l.v;
	strlist_clear(&l);	/* the strings freed (ASan would see a leak), the array kept */
	ck_assert_uint_eq(l.n, 0);
	ck_assert_ptr_eq(l.v, array);
	ck_assert_uint_ge(l.cap, 3);
	strlist_add(&l, "d@staff.example");
	ck_assert_uint_eq(l.n, 1);
	ck_assert_ptr_eq(l.v, array);
	ck_assert_str_eq(l.v[0], "d@staff.example");
	ck_assert_uint_eq(strlist_contains(&l, "a@staff.example"), 0);
	strlist_free(&l);
	strlist_clear(&l);	/* an empty, freed list clears too */
	ck_assert_ptr_null(l.v);
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("buf");

	tcase_add_test(tc, test_heap_buf_grows_and_stays_terminated);
	tcase_add_test(tc, test_space_buf_stays_in_space_while_it_fits);
	tcase_add_test(tc, test_space_buf_moves_to_heap_when_outgrown);
	tcase_add_test(tc, test_space_buf_free_and_reset);
	tcase_add_test(tc, test_strlist_clear_keeps_the_array_for_new_items);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(buf_suite());
}
