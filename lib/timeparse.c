/*
 * timeparse.c - dates, periods and the clock (see timeparse.h).
 *
 * Periods are whole numbers of seconds written with one unit letter. Dates
 * are strict ISO-8601 subsets: local time unless a trailing Z says UTC.
 * Local arithmetic (next midnight, adding months) goes through mktime with
 * tm_isdst = -1 so daylight-saving changes are the C library's problem.
 * UTC conversion is done by hand so it needs neither timegm nor TZ games.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "timeparse.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECS_MIN	60LL
#define SECS_HOUR	(60 * SECS_MIN)
#define SECS_DAY	(24 * SECS_HOUR)
#define SECS_WEEK	(7 * SECS_DAY)
#define SECS_YEAR	(365 * SECS_DAY)

/* period_unit - seconds in one unit letter, 0 when the letter is no unit */
static long long period_unit(char c)
{
	switch (c) {
	case 's': return 1;
	case 'm': return SECS_MIN;
	case 'h': return SECS_HOUR;
	case 'd': return SECS_DAY;
	case 'w': return SECS_WEEK;
	case 'y': return SECS_YEAR;
	default: return 0;
	}
}

/* period_parse - "<digits><unit>" to seconds; zero, overflow, junk = -1 */
int period_parse(const char *text, long long *seconds)
{
	const char *p = text;
	long long n = 0, unit;

	if (text == NULL || *p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (LLONG_MAX - (*p - '0')) / 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	unit = period_unit(*p);
	if (unit == 0 || p[1] != '\0' || n == 0)
		return -1;
	if (n > LLONG_MAX / unit)
		return -1;
	*seconds = n * unit;
	return 0;
}

/*
 * period_format - the largest unit that divides exactly; weeks are written
 * as days ("7d", "14d") because that is how windows read in headers.
 */
char *period_format(long long seconds, char *out, size_t outlen)
{
	static const struct { long long secs; char unit; } units[] = {
		{ SECS_YEAR, 'y' }, { SECS_DAY, 'd' }, { SECS_HOUR, 'h' },
		{ SECS_MIN, 'm' }, { 1, 's' },
	};
	unsigned long long mag;
	size_t i;

	if (seconds == 0) {
		snprintf(out, outlen, "0s");
		return out;
	}
	mag = seconds < 0 ? 0ULL - (unsigned long long)seconds
	    : (unsigned long long)seconds;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (mag % (unsigned long long)units[i].secs == 0)
			break;
	snprintf(out, outlen, "%s%llu%c", seconds < 0 ? "-" : "",
	    mag / (unsigned long long)units[i].secs, units[i].unit);
	return out;
}

/* date_leap - is year a Gregorian leap year? */
static int date_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* date_days_in_month - days in month (1-12) of year */
static int date_days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && date_leap(year))
		return 29;
	return days[month - 1];
}

/* date_days_from_civil - days since 1970-01-01 of a proleptic Gregorian date */
static long long date_days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* date_digits - read exactly n decimal digits at *p, advancing it; -1 if not */
static int date_digits(const char **p, int n)
{
	int v = 0;

	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* date_scan - split text into tm fields and flags; -1 on any syntax error */
static int date_scan(const char *text, struct tm *tm, int *bare, int *utc)
{
	const char *p = text;

	memset(tm, 0, sizeof(*tm));
	*bare = 1;
	*utc = 0;
	tm->tm_year = date_digits(&p, 4);
	if (tm->tm_year < 0 || *p++ != '-')
		return -1;
	tm->tm_mon = date_digits(&p, 2);
	if (tm->tm_mon < 0 || *p++ != '-')
		return -1;
	if ((tm->tm_mday = date_digits(&p, 2)) < 0)
		return -1;
	if (*p == '\0')
		return 0;
	if (*p != 'T' && *p != ' ')
		return -1;
	p++;
	*bare = 0;
	tm->tm_hour = date_digits(&p, 2);
	if (tm->tm_hour < 0 || *p++ != ':')
		return -1;
	if ((tm->tm_min = date_digits(&p, 2)) < 0)
		return -1;
	if (*p == ':') {
		p++;
		if ((tm->tm_sec = date_digits(&p, 2)) < 0)
			return -1;
	}
	if (*p == 'Z') {
		*utc = 1;
		p++;
	}
	return *p == '\0' ? 0 : -1;
}

/*
 * date_parse - strict local or UTC date/time to time_t. A Z needs a time
 * ("2026-11-27Z" is refused); years 1970-9999 only.
 */
int date_parse(const char *text, time_t *out, int *bare)
{
	struct tm tm;
	int is_bare, utc, year, month;
	time_t t;

	if (text == NULL || date_scan(text, &tm, &is_bare, &utc) < 0)
		return -1;
	year = tm.tm_year;
	month = tm.tm_mon;
	if (year < 1970 || month < 1 || month > 12 || tm.tm_mday < 1
	    || tm.tm_mday > date_days_in_month(year, month)
	    || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return -1;
	if (utc) {
		t = (time_t)(date_days_from_civil(year, month, tm.tm_mday) * SECS_DAY
		    + tm.tm_hour * SECS_HOUR + tm.tm_min * SECS_MIN + tm.tm_sec);
	} else {
		tm.tm_year = year - 1900;
		tm.tm_mon = month - 1;
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return -1;
	}
	*out = t;
	if (bare)
		*bare = is_bare;
	return 0;
}

/* date_next_midnight - 00:00 local on the following day */
time_t date_next_midnight(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return (time_t)-1;
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* date_add_months - n months later (or earlier), day clamped to month end */
time_t date_add_months(time_t t, int months)
{
	struct tm tm;
	long long mon;
	int dim;

	if (localtime_r(&t, &tm) == NULL)
		return (time_t)-1;
	mon = (long long)tm.tm_year * 12 + tm.tm_mon + months;
	tm.tm_year = (int)(mon >= 0 ? mon / 12 : -((-mon + 11) / 12));
	tm.tm_mon = (int)(mon - (long long)tm.tm_year * 12);
	dim = date_days_in_month(tm.tm_year + 1900, tm.tm_mon + 1);
	if (tm.tm_mday > dim)
		tm.tm_mday = dim;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* time_format_utc - ISO 8601 UTC with seconds and Z */
char *time_format_utc(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outlen, "invalid");
	return out;
}

/* time_format_local - local "YYYY-MM-DD HH:MM" */
char *time_format_local(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, outlen, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, outlen, "invalid");
	return out;
}

/* time_format_local_date - local "YYYY-MM-DD" */
char *time_format_local_date(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, outlen, "%Y-%m-%d", &tm) == 0)
		snprintf(out, outlen, "invalid");
	return out;
}

/* set by clock_pin: 0 read the environment each time, 1 the real clock, 2 fixed at pinned_time */
static int pinned;
static time_t pinned_time;

/* fixed_time - RESTRICT_MILTER_NOW when set and valid: 1 and *t, else 0 */
static int fixed_time(time_t *t)
{
	const char *fixed = getenv("RESTRICT_MILTER_NOW");

	return fixed != NULL && *fixed != '\0' && date_parse(fixed, t, NULL) == 0;
}

void clock_pin(void)
{
	pinned = fixed_time(&pinned_time) ? 2 : 1;
}

/* clock_now - RESTRICT_MILTER_NOW when set and valid, else the real clock */
time_t clock_now(void)
{
	time_t t;

	if (pinned == 2)
		return pinned_time;
	if (pinned == 0 && fixed_time(&t))
		return t;
	return time(NULL);
}
