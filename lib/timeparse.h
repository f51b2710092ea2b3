/*
 * timeparse.h - dates, periods and the clock.
 *
 * Dates on the command line are local time ("2026-11-27", "2026-11-27T09:00");
 * JSON and the audit log show UTC with a Z. Periods are "30m", "12h", "7d",
 * "2w", "6y". The clock can be fixed for tests with RESTRICT_MILTER_NOW.
 */
#ifndef RM_TIMEPARSE_H
#define RM_TIMEPARSE_H

#include <time.h>

/*
 * period_parse - "<digits><unit>" with unit s, m (minutes), h, d, w, y (365d).
 * Returns 0 and the length in seconds, or -1 (bad syntax, zero, overflow).
 */
int period_parse(const char *text, long long *seconds);
/* period_format - shortest exact form ("7d", "90m") into out (size >= 32) */
char *period_format(long long seconds, char *out, size_t outlen);

/*
 * date_parse - local date "YYYY-MM-DD", or date and time
 * "YYYY-MM-DDTHH:MM[:SS]" (a space may replace T), or UTC with a trailing
 * "Z". *bare is set to 1 for a date without a time (may be NULL).
 * Returns 0, or -1 for anything else (including impossible dates).
 */
int date_parse(const char *text, time_t *out, int *bare);
/* date_next_midnight - 00:00 local on the day after the day containing t */
time_t date_next_midnight(time_t t);
/* date_add_months - same local wall-clock time n months later (clamped day) */
time_t date_add_months(time_t t, int months);

/* time_format_utc - "2026-11-27T09:00:00Z" (out >= 32 bytes) */
char *time_format_utc(time_t t, char *out, size_t outlen);
/* time_format_local - "2026-11-27 09:00" (out >= 32 bytes) */
char *time_format_local(time_t t, char *out, size_t outlen);
/* time_format_local_date - "2026-11-27" (out >= 32 bytes) */
char *time_format_local_date(time_t t, char *out, size_t outlen);

/*
 * clock_now - the current time, or RESTRICT_MILTER_NOW when set (parsed
 * with date_parse) so tests can run on a fixed clock.
 */
time_t clock_now(void);
/*
 * clock_pin - read RESTRICT_MILTER_NOW once, now, and let every later
 * clock_now use what it said (getenv walks the environment: the milter asks
 * the time several times a message). Call before any thread starts.
 */
void clock_pin(void);

#endif
