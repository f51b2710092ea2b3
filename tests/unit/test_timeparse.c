/*
 * test_timeparse.c - unit tests for lib/timeparse: periods, dates, local
 * calendar arithmetic across daylight-saving changes, formatting and the
 * RESTRICT_MILTER_NOW test clock. Table-driven; each failure prints the
 * input with what it got and what it wanted. Local-time cases run with
 * TZ=Europe/London (set per test; Check forks each test).
 */
#include "timeparse.h"
#include "check_helpers.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* tz_set - switch the process time zone and check tzdata knows it */
static void tz_set(const char *tz)
{
	ck_assert_int_eq(setenv("TZ", tz, 1), 0);
	tzset();
	if (strcmp(tz, "Europe/London") == 0) {
		time_t summer = 1782892800;	/* 2026-07-01T08:00:00Z */
		struct tm tm;
		ck_assert_ptr_nonnull(localtime_r(&summer, &tm));
		ck_assert_msg(tm.tm_hour == 9, "tzdata for Europe/London missing");
	}
}

/* --- period_parse ------------------------------------------------------ */

static const struct { const char *in; long long want; } period_good[] = {
	{ "1s", 1 }, { "30m", 1800 }, { "90m", 5400 }, { "12h", 43200 },
	{ "1d", 86400 }, { "7d", 604800 }, { "007d", 604800 }, { "2w", 1209600 },
	{ "6y", 6LL * 365 * 86400 }, { "400d", 400LL * 86400 },
	{ "9223372036854775807s", LLONG_MAX },
};

START_TEST(test_period_parse_accepts_number_and_unit)
{
	long long got = -1;
	const char *in = period_good[_i].in;

	ck_assert_msg(period_parse(in, &got) == 0, "period_parse(\"%s\") failed", in);
	ck_assert_msg(got == period_good[_i].want, "period_parse(\"%s\"): got %lld, want %lld",
	    in, got, period_good[_i].want);
}
END_TEST

static const char *const period_bad[] = {
	"", "7", "d", "0d", "00m", "-1d", "+1d", " 7d", "7d ", "7 d", "7dd", "7x",
	"7D", "1.5h", "7days", "1d2h",
	"9223372036854775808s",		/* digits overflow */
	"153722867280912931m",		/* multiplication overflows */
	"15250284452471y",
};

START_TEST(test_period_parse_rejects_bad_syntax_zero_and_overflow)
{
	long long got = 12345;
	const char *in = period_bad[_i];

	ck_assert_msg(period_parse(in, &got) == -1, "period_parse(\"%s\") accepted: %lld", in, got);
	ck_assert_msg(got == 12345, "period_parse(\"%s\") wrote %lld on failure", in, got);
}
END_TEST

START_TEST(test_period_parse_rejects_null)
{
	long long got;

	ck_assert_int_eq(period_parse(NULL, &got), -1);
}
END_TEST

/* --- period_format ----------------------------------------------------- */

static const struct { long long in; const char *want; } period_fmt[] = {
	{ 1, "1s" }, { 59, "59s" }, { 60, "1m" }, { 5400, "90m" }, { 3600, "1h" },
	{ 86400, "1d" }, { 604800, "7d" }, { 1209600, "14d" }, { 31536000, "1y" },
	{ 6LL * 31536000, "6y" }, { 90061, "90061s" }, { 0, "0s" }, { -60, "-1m" },
	{ 400LL * 86400, "400d" },
};

START_TEST(test_period_format_uses_largest_exact_unit)
{
	char out[32];
	long long back = 0;

	period_format(period_fmt[_i].in, out, sizeof(out));
	ck_assert_msg(strcmp(out, period_fmt[_i].want) == 0, "period_format(%lld): got \"%s\", want \"%s\"",
	    period_fmt[_i].in, out, period_fmt[_i].want);
	if (period_fmt[_i].in > 0) {
		ck_assert_int_eq(period_parse(out, &back), 0);
		ck_assert_msg(back == period_fmt[_i].in, "round trip of %lld: got %lld",
		    period_fmt[_i].in, back);
	}
}
END_TEST

/* --- date_parse -------------------------------------------------------- */

/* want is seconds since the epoch with TZ=Europe/London */
static const struct { const char *in; long long want; int bare; } date_good[] = {
	{ "2026-11-27", 1795737600, 1 },		/* GMT in winter */
	{ "2026-11-27T09:00", 1795770000, 0 },
	{ "2026-11-27 09:00", 1795770000, 0 },
	{ "2026-11-27T09:00:00", 1795770000, 0 },
	{ "2026-11-27T09:00:00Z", 1795770000, 0 },
	{ "2026-07-01", 1782860400, 1 },		/* BST: 2026-06-30T23:00Z */
	{ "2026-07-01T09:00", 1782892800, 0 },		/* 08:00Z */
	{ "2026-07-01 09:00:00", 1782892800, 0 },
	{ "2026-07-01T09:00Z", 1782896400, 0 },		/* Z: not local */
	{ "2026-07-01 09:00Z", 1782896400, 0 },
	{ "2024-02-29", 1709164800, 1 },		/* leap day */
	{ "2000-02-29T12:34:56Z", 951827696, 0 },	/* 400-year leap day */
	{ "1970-01-01T00:00:00Z", 0, 0 },
	{ "9999-12-31T23:59:59Z", 253402300799LL, 0 },
};

START_TEST(test_date_parse_accepts_local_and_utc_forms)
{
	time_t got = 0;
	int bare = -1;
	const char *in = date_good[_i].in;

	tz_set("Europe/London");
	ck_assert_msg(date_parse(in, &got, &bare) == 0, "date_parse(\"%s\") failed", in);
	ck_assert_msg((long long)got == date_good[_i].want, "date_parse(\"%s\"): got %lld, want %lld",
	    in, (long long)got, date_good[_i].want);
	ck_assert_msg(bare == date_good[_i].bare, "date_parse(\"%s\"): bare got %d, want %d",
	    in, bare, date_good[_i].bare);
	ck_assert_int_eq(date_parse(in, &got, NULL), 0);	/* bare may be NULL */
}
END_TEST

static const char *const date_bad[] = {
	"", "2026", "2026-11", "2026-02-29", "2100-02-29", "2026-04-31", "2026-13-01",
	"2026-00-10", "2026-01-32", "2026-01-00", "2026-1-05", "26-01-05", "2026/01/05",
	"2026-01-05T24:00", "2026-01-05T23:60", "2026-01-05T23:59:60", "2026-01-05T9:00",
	"2026-01-05T", "2026-01-05T09", "2026-01-05T09:00:", "2026-01-05T09:00:0",
	"2026-01-05x", "2026-01-05 ", " 2026-01-05", "2026-01-05T09:00Zx",
	"2026-01-05T09:00 ", "2026-01-05T09:00z", "2026-01-05Z", "2026-01-05t09:00",
	"1969-12-31", "2026-01-05T09:00+01:00", "tomorrow",
};

START_TEST(test_date_parse_rejects_impossible_dates_and_junk)
{
	time_t got = 4242;
	int bare = 7;
	const char *in = date_bad[_i];

	tz_set("Europe/London");
	ck_assert_msg(date_parse(in, &got, &bare) == -1, "date_parse(\"%s\") accepted: %lld",
	    in, (long long)got);
	ck_assert_msg(got == 4242 && bare == 7, "date_parse(\"%s\") wrote on failure", in);
}
END_TEST

START_TEST(test_date_parse_rejects_null)
{
	time_t got;

	ck_assert_int_eq(date_parse(NULL, &got, NULL), -1);
}
END_TEST

/* --- date_next_midnight ------------------------------------------------ */

/* local times in Europe/London; want is the next local midnight, in UTC */
static const struct { const char *in; const char *want; } midnight[] = {
	{ "2026-11-27T09:00", "2026-11-28T00:00:00Z" },
	{ "2026-11-27", "2026-11-28T00:00:00Z" },		/* at midnight: the next one */
	{ "2026-11-27T23:59:59", "2026-11-28T00:00:00Z" },
	{ "2026-03-28T12:00", "2026-03-29T00:00:00Z" },	/* eve of spring forward */
	{ "2026-03-29T12:00", "2026-03-29T23:00:00Z" },	/* 23-hour day, now BST */
	{ "2026-10-25T00:30", "2026-10-26T00:00:00Z" },	/* 25-hour day, back to GMT */
	{ "2026-12-31T18:00", "2027-01-01T00:00:00Z" },
	{ "2024-02-28T10:00", "2024-02-29T00:00:00Z" },
};

START_TEST(test_date_next_midnight_follows_local_days_across_dst)
{
	time_t t;
	char got[32];

	tz_set("Europe/London");
	ck_assert_int_eq(date_parse(midnight[_i].in, &t, NULL), 0);
	time_format_utc(date_next_midnight(t), got, sizeof(got));
	ck_assert_msg(strcmp(got, midnight[_i].want) == 0, "next midnight after %s: got %s, want %s",
	    midnight[_i].in, got, midnight[_i].want);
}
END_TEST

START_TEST(test_date_next_midnight_spring_day_is_23_hours)
{
	time_t day, next;

	tz_set("Europe/London");
	ck_assert_int_eq(date_parse("2026-03-29", &day, NULL), 0);
	next = date_next_midnight(day);
	ck_assert_int_eq((long long)(next - day), 23 * 3600);
	ck_assert_int_eq((long long)(date_next_midnight(next) - next), 24 * 3600);
}
END_TEST

/* --- date_add_months --------------------------------------------------- */

static const struct { const char *in; int months; const char *want; } add_months[] = {
	{ "2026-01-31T10:00", 1, "2026-02-28 10:00" },	/* clamped */
	{ "2024-01-31", 1, "2024-02-29 00:00" },		/* clamped, leap year */
	{ "2026-03-31", 1, "2026-04-30 00:00" },
	{ "2026-12-31", 2, "2027-02-28 00:00" },
	{ "2026-11-27", 12, "2027-11-27 00:00" },		/* default review date */
	{ "2026-01-15 09:00", 6, "2026-07-15 09:00" },	/* same wall clock across DST */
	{ "2026-03-15T09:00", -3, "2025-12-15 09:00" },
	{ "2026-05-31", -3, "2026-02-28 00:00" },
	{ "2024-02-29", 12, "2025-02-28 00:00" },
	{ "2026-06-10", 0, "2026-06-10 00:00" },
	{ "2026-06-10", -18, "2024-12-10 00:00" },
};

START_TEST(test_date_add_months_clamps_to_month_end)
{
	time_t t;
	char got[32];

	tz_set("Europe/London");
	ck_assert_int_eq(date_parse(add_months[_i].in, &t, NULL), 0);
	time_format_local(date_add_months(t, add_months[_i].months), got, sizeof(got));
	ck_assert_msg(strcmp(got, add_months[_i].want) == 0, "%s %+d months: got %s, want %s",
	    add_months[_i].in, add_months[_i].months, got, add_months[_i].want);
}
END_TEST

/* --- time_format_* ----------------------------------------------------- */

START_TEST(test_time_format_utc_and_local)
{
	char out[32];

	tz_set("Europe/London");
	ck_assert_str_eq(time_format_utc(0, out, sizeof(out)), "1970-01-01T00:00:00Z");
	ck_assert_str_eq(time_format_utc(1782892800, out, sizeof(out)), "2026-07-01T08:00:00Z");
	ck_assert_str_eq(time_format_local(1782892800, out, sizeof(out)), "2026-07-01 09:00");
	ck_assert_str_eq(time_format_local(1795770000, out, sizeof(out)), "2026-11-27 09:00");
	ck_assert_str_eq(time_format_local_date(1782860400, out, sizeof(out)), "2026-07-01");
	ck_assert_str_eq(time_format_local_date(1782860399, out, sizeof(out)), "2026-06-30");
}
END_TEST

/* --- clock_now --------------------------------------------------------- */

START_TEST(test_clock_now_uses_restrict_milter_now)
{
	ck_assert_int_eq(setenv("RESTRICT_MILTER_NOW", "2026-11-27T09:00:00Z", 1), 0);
	ck_assert_int_eq((long long)clock_now(), 1795770000LL);
	tz_set("Europe/London");
	ck_assert_int_eq(setenv("RESTRICT_MILTER_NOW", "2026-07-01T09:00", 1), 0);
	ck_assert_int_eq((long long)clock_now(), 1782892800LL);
}
END_TEST

START_TEST(test_clock_now_falls_back_to_real_time)
{
	static const char *const values[] = { NULL, "", "garbage", "2026-02-29" };
	size_t i;
	time_t before, got;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (values[i] == NULL)
			ck_assert_int_eq(unsetenv("RESTRICT_MILTER_NOW"), 0);
		else
			ck_assert_int_eq(setenv("RESTRICT_MILTER_NOW", values[i], 1), 0);
		before = time(NULL);
		got = clock_now();
		ck_assert_msg(got >= before && got <= time(NULL),
		    "RESTRICT_MILTER_NOW=%s: got %lld, want about %lld",
		    values[i] ? values[i] : "(unset)", (long long)got, (long long)before);
	}
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* timeparse_suite - every test above */
static Suite *timeparse_suite(void)
{
	Suite *s = suite_create("timeparse");
	TCase *tc = tcase_create("period");

	tcase_add_loop_test(tc, test_period_parse_accepts_number_and_unit, 0, N(period_good));
	tcase_add_loop_test(tc, test_period_parse_rejects_bad_syntax_zero_and_overflow, 0, N(period_bad));
	tcase_add_test(tc, test_period_parse_rejects_null);
	tcase_add_loop_test(tc, test_period_format_uses_largest_exact_unit, 0, N(period_fmt));
	suite_add_tcase(s, tc);

	tc = tcase_create("date");
	tcase_add_loop_test(tc, test_date_parse_accepts_local_and_utc_forms, 0, N(date_good));
	tcase_add_loop_test(tc, test_date_parse_rejects_impossible_dates_and_junk, 0, N(date_bad));
	tcase_add_test(tc, test_date_parse_rejects_null);
	tcase_add_loop_test(tc, test_date_next_midnight_follows_local_days_across_dst, 0, N(midnight));
	tcase_add_test(tc, test_date_next_midnight_spring_day_is_23_hours);
	tcase_add_loop_test(tc, test_date_add_months_clamps_to_month_end, 0, N(add_months));
	tcase_add_test(tc, test_time_format_utc_and_local);
	suite_add_tcase(s, tc);

	tc = tcase_create("clock");
	tcase_add_test(tc, test_clock_now_uses_restrict_milter_now);
	tcase_add_test(tc, test_clock_now_falls_back_to_real_time);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(timeparse_suite());
}
