/*
 * mctx.h - per-connection and per-message state of the milter.
 *
 * A connection holds the client address, what was negotiated and the
 * thread's PCRE2 scratch; a message holds the view it was started with
 * (config, policy, snapshot references), the envelope, the recipients
 * accepted and refused at RCPT and the header values the decision needs.
 * Everything a message owns is released in exactly one function,
 * mctx_reset.
 */
#ifndef RM_MCTX_H
#define RM_MCTX_H

#include <stddef.h>
#include "decide.h"
#include "reload.h"
#include "strlist.h"
#include "buf.h"

/* header bytes kept per message (From/Sender/Reply-To/Subject/Message-ID) */
#define MCTX_HEADER_KEEP_MAX (64 * 1024)
/* distinct HeaderPrefix header names tracked per message */
#define MCTX_PREFIX_NAMES_MAX 1024
/* Authentication-Results headers kept per message (the MTA adds one) */
#define MCTX_AUTHRES_MAX 16
/* recipients remembered per message (the MTA's own limit is far lower) */
#define MCTX_RCPTS_MAX 10000
/* a message buffer at most this big is kept for the connection's next message */
#define MCTX_BUF_KEEP 4096
/* recipient arrays up to this many entries are kept between messages too */
#define MCTX_RCPTS_KEEP 64

/* a recipient refused at RCPT, for the log line and the event */
struct rcpt_note {
	char *address;			/* normalised, else as given */
	enum outcome outcome;
	long long restriction_id;
};

/* a restriction applied at RCPT, for a message that never reaches EOM */
struct applied_note {
	long long id;
	long long user_id;
	enum action action;
	enum matched_kind matched;
	int trial, breach, unverified;
};

struct msg {
	int active;			/* MAIL FROM seen, not yet reset */
	int eom_done;			/* end of message reached: event already queued */
	struct view view;		/* references taken at MAIL FROM */
	int unrestricted;		/* OnDatabaseError accept: no restrictions */
	int internal;			/* InternalHosts client or authenticated */
	char *env_from;			/* MAIL FROM argument as given */
	struct sender_match senders;	/* normalised and matched once per message (decide.h) */
	char *queue_id;			/* macro i, the latest seen; NULL unknown */
	struct strlist rcpts;		/* accepted recipients' exact RCPT arguments */
	struct strlist rcpt_addrs;	/* the same normalised at RCPT ("" unparseable);
					   fewer than rcpts when RCPT decided nothing */
	struct rcpt_note *refused;
	size_t nrefused;
	struct applied_note *applied;	/* from the RCPT decisions */
	size_t napplied;
	char *person;			/* from the RCPT decisions */
	struct buf from, sender, reply_to;	/* values, several headers joined by "," */
	int has_from, has_sender, has_reply_to;
	char *subject;			/* the first Subject: value; NULL when absent */
	char *message_id;
	struct strlist auth_results;	/* Authentication-Results values, capped */
	size_t kept;			/* header bytes kept so far */
	int overflow;			/* a cap was hit: the message is tempfailed at EOM */
	struct strlist prefix_names;	/* distinct HeaderPrefix names (first spelling) */
	unsigned *prefix_counts;	/* occurrences of each, any case */
	/* detection (first values; NULL when absent) */
	char *list_id, *auto_submitted, *precedence;
	char *content_type, *cte;	/* Content-Type, Content-Transfer-Encoding */
	/* the body, for novelty: collected only when a file or limit restriction applies */
	int body_decided;		/* the first body chunk was seen */
	int body_wanted;		/* collect it */
	int body_truncated;		/* more than NOVELTY_BODY_MAX came: the rest was ignored */
	struct buf body;
};

struct conn {
	const char *client_addr;	/* textual IP (in client_space), NULL when unknown */
	char client_space[64];		/* INET6_ADDRSTRLEN and more */
	int leadspc;			/* SMFIP_HDR_LEADSPC negotiated */
	int addrcpt_par;		/* SMFIF_ADDRCPT_PAR negotiated */
	int nr_conn, nr_mail, nr_hdr;	/* no reply expected at connect, MAIL FROM, header */
	int skip;			/* SMFIP_SKIP: the MTA understands SMFIS_SKIP */
	struct match_scratch *scratch;	/* this connection's PCRE2 match data */
	struct msg msg;
};

/*
 * conn_new - a context for a new connection: one kept from an earlier
 * connection when there is one (with its match scratch and the message's
 * buffers), else a new one
 */
struct conn *conn_new(const char *client_addr);
/* conn_free - reset the message, then keep c for a later connection or free it; accepts NULL */
void conn_free(struct conn *c);
/* mctx_pool_free - free the contexts kept for later connections (at exit) */
void mctx_pool_free(void);
/* conn_set_client - the client's textual IP address (NULL when unknown) */
void conn_set_client(struct conn *c, const char *client_addr);

/* mctx_start - begin a message: reset, then take the current view */
void mctx_start(struct conn *c);
/*
 * mctx_reset - end the message: a message whose recipients were refused at
 * RCPT and that never reached EOM is logged and recorded here (NOQUEUE);
 * then everything it owns is freed and the view released.
 */
void mctx_reset(struct conn *c);

/* mctx_set_queue_id - remember macro i when the MTA sends it */
void mctx_set_queue_id(struct msg *m, const char *qid);
/* mctx_header - keep what the decision needs from one header */
void mctx_header(struct msg *m, const char *prefix, const char *name, const char *value);
/*
 * mctx_body - keep up to max bytes of body; 0 while more is wanted, 1 once
 * the cap is reached (the rest is ignored and the body marked truncated)
 */
int mctx_body(struct msg *m, const unsigned char *chunk, size_t len, size_t max);
/* mctx_note_rcpt - remember what an RCPT decision applied and refused */
void mctx_note_rcpt(struct msg *m, const struct decision *d);

#endif
