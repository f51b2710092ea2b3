/*
 * decide.h - the decision: message facts + snapshot + policy -> what to do.
 *
 * Pure: no I/O, no SQLite, no libmilter. The milter calls it at RCPT (with
 * only the envelope known) and at end of message (with the headers), and
 * `restrictctl check` calls it once with everything; all get the same
 * answer because there is only this one function.
 */
#ifndef RM_DECIDE_H
#define RM_DECIDE_H

#include <stddef.h>
#include <time.h>
#include "policy.h"
#include "restriction.h"
#include "snapshot.h"
#include "strlist.h"

/* when the decision is asked for */
enum decide_phase {
	PHASE_RCPT,	/* only the envelope sender is known; per-recipient refusals */
	PHASE_EOM,	/* end of message: recipients are those accepted at RCPT */
	PHASE_CHECK,	/* restrictctl check: everything, stages as live mail would see them */
};

/* per recipient, weakest first; combining takes the strongest */
enum outcome {
	OUTCOME_ACCEPT,
	OUTCOME_REDIRECT,
	OUTCOME_HOLD,
	OUTCOME_TEMPFAIL,
	OUTCOME_REJECT,
};

enum stage { STAGE_RCPT, STAGE_EOM };

enum verdict { VERDICT_ACCEPT, VERDICT_REJECT, VERDICT_TEMPFAIL, VERDICT_HOLD };

enum matched_kind {
	MATCHED_NONE,
	MATCHED_ENVELOPE_FROM,
	MATCHED_HEADER_FROM,
	MATCHED_HEADER_SENDER,
	MATCHED_HEADER_REPLY_TO,
};

/* at most this many service users are matched per decision */
#define DECIDE_MAX_USERS 64
/* how many mailboxes of one header are matched: a 10,000-address From: must not cost 10,000 lookups */
#define DECIDE_MAX_HEADER_ADDRS 100

/* one sender address (envelope, or a mailbox of From:, Sender:, Reply-To:), normalised, and whom it matched */
struct sender {
	char *norm;			/* owned; NULL for an envelope sender that did not normalise */
	enum matched_kind kind;
	int matched;			/* users, nusers and limit_hits are set */
	long long *users;		/* owned; nusers of them */
	size_t nusers;
	unsigned limit_hits;		/* PCRE2 limits hit matching it */
};

/*
 * The senders of one message, normalised and matched once. A caller that
 * decides several times for one message with the same snapshot and policy
 * (the milter: every RCPT, the body check, end of message) passes the same
 * struct, zeroed before the first decision; decide() fills it on first use
 * and reuses it after: the envelope sender from the first decision, the
 * header senders from the first with headers. Header senders are collected
 * again if From:, Sender: or Reply-To: differ from what they were taken
 * from (by hash). Clear it with sender_match_clear when the message ends.
 * Never share one between snapshots, policies or envelope senders.
 */
struct sender_match {
	int normalised;			/* result and env are set */
	enum addr_result result;	/* addr_normalise's for the envelope sender */
	struct sender env;		/* env.norm set only when result is ADDR_OK */

	int headers_collected;		/* hdr, nhdr, from_first and headers_hash are set */
	unsigned long long headers_hash;
	struct sender *hdr;		/* owned; From:, then Sender:, then Reply-To: */
	size_t nhdr;
	const char *from_first;		/* the first From: mailbox normalised, borrowed
					   from hdr; NULL when absent or unparseable */
};

void sender_match_clear(struct sender_match *m);	/* frees, zeroes; accepts NULL */

/* the count a limit restriction needs; supplied by the caller */
typedef unsigned (*limit_count_fn)(void *arg, long long user_id, long long period, time_t now);

struct msg_facts {
	enum decide_phase phase;
	time_t now;
	int internal;			/* InternalHosts client or authenticated */
	const char *env_from;		/* MAIL FROM argument, raw; NULL or "<>" = null */
	const char *hdr_from;		/* raw header values; NULL when absent */
	const char *hdr_sender;
	const char *hdr_reply_to;
	const char *const *rcpts;	/* exact RCPT arguments as the MTA gave them */
	size_t nrcpts;
	int header_from_verified;	/* known verified by the caller */
	const char *const *auth_results;	/* Authentication-Results values, raw */
	size_t nauth_results;
	limit_count_fn limit_count;	/* NULL: every count is 0 */
	void *limit_arg;
	struct sender_match *senders;	/* the message's senders, NULL: normalise and match anew */
	/* optional: rcpts already normalised by an earlier decision with the same
	   policy, parallel to rcpts, "" for one that did not parse; NULL: normalise */
	const char *const *rcpt_addrs;
};

struct reply {
	char code[4];			/* "550" */
	char xcode[8];			/* "5.7.1" */
	char *text;			/* unescaped; NULL when no reply */
};

struct rcpt_result {
	const char *rcpt;		/* exact RCPT argument, the facts' (borrowed) */
	char *address;			/* normalised, NULL when unparseable */
	int staff;
	int exempt;
	int covered;			/* staff, not exempt, and a restriction applies */
	enum outcome outcome;
	enum stage stage;
	struct strlist to;		/* redirect targets */
	struct reply reply;		/* for reject/tempfail at RCPT */
	long long restriction_id;	/* the restriction that decided, 0 none */
	int filed;			/* eom: replaced by FilingMailbox */
};

/* what a trial restriction would have done */
struct would {
	const char *effect;		/* "reject", "tempfail", "hold", "redirect", "file", "copy", "tag" */
	struct strlist recipients;	/* the covered recipients it would affect */
	struct strlist to;		/* redirect or copy targets */
};

struct applied {
	long long id;
	long long user_id;
	enum action action;		/* as stored */
	enum action applied_as;		/* ACTION_FILE for Sender/Reply-To-only matches */
	int trial;
	struct would would;		/* trial only */
	enum matched_kind matched;
	char *matched_addr;		/* normalised address that matched */
	const char *effect;		/* what it did (or would do): "reject", "tempfail",
					   "hold", "redirect", "file", "copy", "tag", "none" */
	int tag;			/* adds an X-Restriction header */
	int subject_prefix;		/* adds FileSubjectPrefix */
	char *copy_to;			/* monitor copy target, NULL none */
	int breach;			/* single-contact or limit breach (5.11) */
	int over_limit;
	int unverified;			/* header-only match without a trusted pass */
};

struct header_field {
	char *name;
	char *value;			/* no CR or NUL; folded with LF TAB */
};

struct decision {
	enum verdict verdict;		/* message-level; reject/tempfail/hold only when it covers every recipient */
	struct reply reply;		/* message-level refusal at end of message */
	struct rcpt_result *rcpts;
	size_t nrcpts;
	struct applied *applied;
	size_t napplied;
	struct strlist add_rcpts;	/* added with NOTIFY=NEVER */
	struct strlist remove_rcpts;	/* exact RCPT arguments */
	struct header_field *headers;
	size_t nheaders;
	char *subject_prefix;		/* NULL when the subject stays */
	long long *count_users;		/* people for whom this message counts toward a limit */
	size_t ncount_users;
	char *log_summary;		/* ids, actions, outcomes; never names or reasons */
	unsigned limit_hits;		/* PCRE2 limits hit while matching */
	int sender_null;
	char *person;			/* normalised: matched address, else first From:, else envelope */
};

void decision_init(struct decision *d);
void decision_clear(struct decision *d);

/*
 * decide - fill d (initialised by the caller) from facts, snapshot and
 * policy. scratch is the calling thread's. Never fails: unparseable
 * addresses are treated as not matching and noted in the log summary.
 * d->rcpts[i].rcpt points at the facts' recipient strings: keep them until
 * decision_clear.
 */
void decide(const struct msg_facts *facts, const struct snapshot *snap,
	    const struct policy *pol, struct match_scratch *scratch,
	    struct decision *d);

/*
 * decide_anyone_restricted - decide()'s first step alone: does a sender of
 * the message (the envelope's; From:, Sender:, Reply-To: unless at RCPT)
 * match a service user with a restriction in force at f->now? 0 means
 * decide() would apply nothing. Not internal mail. Fills f->senders as
 * decide() does, so a decision after it matches nothing again.
 */
int decide_anyone_restricted(const struct msg_facts *facts, const struct snapshot *snap,
			     const struct policy *pol, struct match_scratch *scratch);

/*
 * decide_rcpt_address - a recipient as every decision sees it (and as
 * msg_facts.rcpt_addrs hands it back): normalised by the policy's address
 * options; NULL when it is not an address. The caller frees it.
 */
char *decide_rcpt_address(const struct policy *pol, const char *rcpt);

const char *outcome_name(enum outcome o);
const char *verdict_name(enum verdict v);
const char *stage_name(enum stage s);
const char *matched_kind_name(enum matched_kind m);

#endif
