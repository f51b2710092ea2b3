/*
 * check_helpers.h - what the Check unit tests share: register a loop test
 * over every row of a table as its own test case; run a suite and turn
 * its failures into the exit status make check reads.
 */
#ifndef RM_CHECK_HELPERS_H
#define RM_CHECK_HELPERS_H

#include <check.h>
#include <stddef.h>
#include <stdlib.h>

/* add_table - a test case called name running t once per row; returns rows */
static inline size_t add_table(Suite *s, const char *name, const TTest *t, size_t rows)
{
	TCase *tc = tcase_create(name);

	tcase_add_loop_test(tc, t, 0, (int)rows);
	suite_add_tcase(s, tc);
	return rows;
}

/* check_run - run every test of s (forked, as Check does by default); EXIT_SUCCESS if none failed */
static inline int check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
