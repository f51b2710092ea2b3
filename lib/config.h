/*
 * config.h - /etc/restrict-milter.conf: SPEC's key table, parsed and checked.
 *
 * "Key value" per line, keys case-insensitive, '#' as the first non-blank
 * character starts a comment (values may contain '#' and ','), lists are
 * comma-separated. Unknown keys and bad values are errors naming file, line
 * and key. A loaded config is immutable and reference-counted so a reload
 * can swap it under running threads.
 */
#ifndef RM_CONFIG_H
#define RM_CONFIG_H

#include "cidr.h"
#include "strlist.h"

#define CONFIG_DEFAULT_PATH "/etc/restrict-milter.conf"

enum header_detail { HEADER_DETAIL_MINIMAL, HEADER_DETAIL_FULL };
enum db_error_action { DB_ERROR_TEMPFAIL, DB_ERROR_ACCEPT };

struct config {
	int refs;
	char *path;			/* file it was read from, NULL for defaults */

	char *socket;			/* Socket */
	int socket_mode;		/* SocketMode, octal */
	char *socket_group;		/* SocketGroup */
	char *database;			/* Database */
	struct strlist staff_domains;	/* StaffDomains (required for -t) */
	struct strlist exempt_recipients;	/* ExemptRecipients */
	struct strlist internal_hosts;	/* InternalHosts, as written */
	struct cidr *internal_nets;	/* InternalHosts, parsed */
	size_t n_internal_nets;
	char *filing_mailbox;		/* FilingMailbox, NULL when unset */
	char *monitor_mailbox;		/* MonitorMailbox, NULL when unset */
	char *header_prefix;		/* HeaderPrefix */
	enum header_detail header_detail;	/* HeaderDetail */
	int flag_header;		/* FlagHeader yes|no */
	char *file_subject_prefix;	/* FileSubjectPrefix */
	char *block_text;		/* BlockText */
	char *subaddress_separator;	/* SubaddressSeparator; "" disables */
	int local_part_case_sensitive;	/* LocalPartCase sensitive|insensitive */
	long long scatter_window;	/* seconds */
	int scatter_threshold;
	long long volume_window;	/* seconds */
	int volume_threshold;
	struct strlist detect_ignore;	/* DetectIgnore */
	struct strlist detect_ignore_senders;	/* DetectIgnoreSenders */
	struct strlist trusted_authserv_ids;	/* TrustedAuthservIds */
	long long max_tempfail_period;	/* seconds */
	enum db_error_action on_database_error;	/* OnDatabaseError */
	long long snapshot_max_age;	/* seconds */
	struct strlist authorisers;	/* Authorisers */
	struct strlist digest_recipients;	/* DigestRecipients */
	char *digest_from;		/* DigestFrom */
	char *sendmail_command;		/* SendmailCommand */
	long long event_retention;	/* seconds */
	long long unflagged_retention;	/* seconds; default longest window */
	long long record_retention;	/* seconds */
	char *user;			/* User */
	char *pid_file;			/* PidFile */
	int syslog_facility;		/* SyslogFacility, LOG_* value */
	int log_level;			/* LogLevel, LOG_* value */
};

/* config_defaults - a new config holding every default (refs = 1) */
struct config *config_defaults(void);
/*
 * config_load - read path over the defaults. Returns 0 and a new config,
 * or -1 with err holding one line: "FILE, line N: KEY: problem".
 * A missing file is an error ("FILE: cannot open: reason").
 */
int config_load(const char *path, struct config **out, char *err, size_t errlen);
struct config *config_ref(struct config *cfg);
void config_unref(struct config *cfg);	/* accepts NULL */

/* config_host_is_internal - is this textual IPv4/IPv6 address in InternalHosts? */
int config_host_is_internal(const struct config *cfg, const char *addr);

#endif
