/*
 * check_table.h - one helper the table-driven Check tests share: register
 * a loop test over every row of a table as its own test case.
 */
#ifndef RM_CHECK_TABLE_H
#define RM_CHECK_TABLE_H

#include <check.h>
#include <stddef.h>

/* add_table - a test case called name running t once per row; returns rows */
static inline size_t add_table(Suite *s, const char *name, const TTest *t, size_t rows)
{
	TCase *tc = tcase_create(name);

	tcase_add_loop_test(tc, t, 0, (int)rows);
	suite_add_tcase(s, tc);
	return rows;
}

#endif
