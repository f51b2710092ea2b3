/*
 * log.h - diagnostics to syslog or stderr, one sanitised line each.
 *
 * Every line passes through log_sanitise, so a value that came from mail
 * (an address, a header) can never start a new log line or carry control
 * characters into the log. Levels follow syslog's.
 */
#ifndef RM_LOG_H
#define RM_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <syslog.h>

/* log_open - ident for syslog; to_stderr sends lines to stderr instead */
void log_open(const char *ident, int to_stderr, int facility);
void log_set_level(int level);		/* LOG_ERR .. LOG_DEBUG */
int log_get_level(void);
/* log_facility_parse - "mail", "local0".. -> LOG_*; -1 when unknown */
int log_facility_parse(const char *name);
/* log_level_parse - "err", "warning", "notice", "info", "debug"; -1 when unknown */
int log_level_parse(const char *name);

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *fmt, va_list ap);
/* log_text - one line already written (sanitised the same way); no format to parse */
void log_text(int level, const char *text);
#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)
/* log_fatal - log and exit(1); never from inside a milter callback */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * log_sanitise - copy src into dst (size dstlen, always terminated), with
 * every byte below 0x20 or equal to 0x7f replaced by '?'. Returns dst.
 */
char *log_sanitise(char *dst, size_t dstlen, const char *src);

#endif
