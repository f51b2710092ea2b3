/*
 * callbacks.h - the libmilter description of restrict-milter: which
 * callbacks exist and what is negotiated with the MTA.
 */
#ifndef RM_CALLBACKS_H
#define RM_CALLBACKS_H

#include <libmilter/mfapi.h>

/* the actions we need; a MTA that does not offer them all is refused */
#define CALLBACKS_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT \
			   | SMFIF_QUARANTINE)
/*
 * the steps we skip or do not answer. Never SMFIP_NR_RCPT: libmilter turns
 * a refusal of a no-reply step into "no reply", which accepts. MAIL FROM is
 * not answered (SMFIP_NR_MAIL): it never refuses. When OnDatabaseError
 * says tempfail, the message is left inactive there and every RCPT of it
 * is tempfailed instead; the client sees the same 451 one step later and
 * every message saves a round trip.
 */
/*
 * The body step is taken (novelty needs the text of file and limit mail)
 * with SMFIP_SKIP: the first chunk of any other message is answered with
 * SMFIS_SKIP, so it costs one round trip and no more.
 */
#define CALLBACKS_STEPS (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_SKIP \
			 | SMFIP_NOEOH | SMFIP_NR_CONN | SMFIP_NR_MAIL | SMFIP_NR_HDR \
			 | SMFIP_HDR_LEADSPC)
/*
 * Over TCP the DATA step is answered. Postfix writes the DATA macros from
 * smtpd and then, with no reply to wait for, the headers and body from
 * cleanup; Postfix leaves Nagle on, so that second write waits for our
 * kernel's delayed ACK of the macros: 40 ms per message on Linux (seen with
 * tcpdump, doc/PERFORMANCE.md). The DATA reply carries the ACK at once.
 * Over a unix socket there is no Nagle and the step stays skipped.
 */
#define CALLBACKS_STEPS_TCP (CALLBACKS_STEPS & ~(unsigned long)SMFIP_NODATA)

/* callbacks_steps - the steps to ask for over TCP (tcp != 0) or a unix socket */
unsigned long callbacks_steps(int tcp);
/* callbacks_desc - the smfiDesc to register; tcp: the socket is inet: or inet6: */
struct smfiDesc *callbacks_desc(int tcp);

#endif
