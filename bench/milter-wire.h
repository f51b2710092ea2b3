/*
 * milter-wire.h - the MTA side of the milter protocol, version 6, as
 * proto-client speaks it: a connection's buffered output and what the
 * milter negotiated, commands that expect no reply buffered until the next
 * that does (or written at once with unbuffered), and replies read as one
 * verdict per step.
 */
#ifndef RM_MILTER_WIRE_H
#define RM_MILTER_WIRE_H

#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>
#include <stddef.h>

#define PC_VERSION 6
/* what Postfix offers with milter_protocol = 6 */
#define PC_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_DELRCPT \
		    | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_CHGFROM | SMFIF_ADDRCPT_PAR \
		    | SMFIF_SETSYMLIST)
#define PC_STEPS 0x001FFFFFUL
#define PC_MAXPKT (1024 * 1024)
#define PC_NSTAGES 7	/* SMFIM_CONNECT .. SMFIM_EOH */

/* a connection's buffered output and what it negotiated */
struct pconn {
	int fd;
	int unbuffered;			/* one write per command (-W) */
	char *out;
	size_t nout, capout;
	unsigned long actions, steps;
	char *symlist[PC_NSTAGES];	/* NULL: no list set for that stage */
};

enum verdict { V_CONTINUE, V_ACCEPT, V_REJECT, V_TEMPFAIL, V_DISCARD, V_ERROR };

/* wire_die - "proto-client: message" and exit 1 */
void wire_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* packet - buffer one command: 4-byte length of cmd + data, cmd, data */
void packet(struct pconn *c, char cmd, const void *data, size_t n);
/* flush - write everything buffered; -1 on error */
int flush(struct pconn *c);
/* read_packet - flush, then one reply: its command, data in *buf (len *n); -1 on error */
int read_packet(struct pconn *c, char *cmd, char **buf, size_t *n);
/* await - read until a final reply for a step; counts modifications in *mods */
enum verdict await(struct pconn *c, long *mods);
/* step - send cmd; await its reply unless nr_flag was negotiated */
enum verdict step(struct pconn *c, char cmd, const void *data, size_t n,
		  unsigned long nr_flag, long *mods);
/* macros - SMFIC_MACRO for command code cmd: name/value pairs, NULL-terminated */
void macros(struct pconn *c, int stage, char cmd, ...);
/* sock_open - connect to unix:PATH, inet:PORT@HOST or inet:HOST:PORT; -1 on failure */
int sock_open(const char *spec, int nodelay);
/* negotiate - OPTNEG and the symbol lists into c; -1 on error */
int negotiate(struct pconn *c);
/* conn_close - QUIT, close, free; c is left closed (fd -1) */
void conn_close(struct pconn *c);

#endif
