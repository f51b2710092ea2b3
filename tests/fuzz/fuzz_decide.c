/*
 * fuzz_decide.c - libFuzzer target: the whole decision on hostile message
 * facts (envelope, From:, Sender:, Reply-To:, recipients, Authentication-
 * Results), at RCPT, at end of message and for check, against a snapshot
 * holding every action. Whatever comes in, the headers we would write have
 * no CR or NUL and fold only with LF TAB, and reply texts are one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addrlist.h"
#include "config.h"
#include "decide.h"
#include "policy.h"
#include "snapshot.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct policy *pol;
static struct snapshot *snap;

static unsigned count_two(void *arg, long long user_id, long long period, time_t now)
{
	(void)arg; (void)period; (void)now;
	return (unsigned)(user_id % 3);
}

/* setup - one restriction of every kind, selectors of every kind */
static void setup(void)
{
	static const struct { enum action a; const char *sel, *o1, *v1, *o2, *v2; int trial; } rs[] = {
		{ ACTION_BLOCK, "bob@example.org", "message", "No 100% please", 0, 0, 0 },
		{ ACTION_FILE, "@example.net", "mode", "redirect", 0, 0, 0 },
		{ ACTION_FILE, "@.example.com", 0, 0, 0, 0, 0 },
		{ ACTION_SINGLE_CONTACT, "/^sc[0-9]*@/", "contact", "liaison@staff.example", "mode", "reject", 0 },
		{ ACTION_LIMIT, "lim@example.org", "limit", "2/1d", "over", "hold", 0 },
		{ ACTION_LIMIT, "lim2@example.org", "limit", "1/1d", "over", "reject", 0 },
		{ ACTION_MONITOR, "mon@example.org", 0, 0, 0, 0, 0 },
		{ ACTION_WATCH, "/(a|aa)+$/", 0, 0, 0, 0, 0 },
		{ ACTION_BLOCK, "trial@example.org", 0, 0, 0, 0, 1 },
	};
	struct config *cfg = config_defaults();
	struct snapshot_builder *b;
	char err[256];
	size_t i;

	rules_init();
	strlist_add(&cfg->staff_domains, "staff.example");
	strlist_add(&cfg->exempt_recipients, "complaints@staff.example");
	strlist_add(&cfg->trusted_authserv_ids, "mx.staff.example");
	cfg->filing_mailbox = xstrdup("records@staff.example");
	cfg->monitor_mailbox = xstrdup("monitor@staff.example");
	cfg->header_detail = HEADER_DETAIL_FULL;
	if (policy_new(cfg, &pol, err, sizeof(err)) != 0)
		abort();
	config_unref(cfg);
	b = snapshot_builder_new(&pol->addr);
	for (i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
		struct restriction r;
		memset(&r, 0, sizeof(r));
		r.id = (long long)i + 1;
		r.user_id = (long long)i + 1;
		r.trial = rs[i].trial;
		r.case_ref = (char *)"C-1\r\nBcc: x";
		action_opts_init(&r.opts, rs[i].a);
		if ((rs[i].o1 && action_opts_set(&r.opts, rs[i].o1, rs[i].v1, err, sizeof(err)) != 0)
		    || (rs[i].o2 && action_opts_set(&r.opts, rs[i].o2, rs[i].v2, err, sizeof(err)) != 0))
			abort();
		snapshot_builder_add_restriction(b, &r);
		action_opts_clear(&r.opts);
		if (snapshot_builder_add_selector(b, r.user_id, rs[i].sel, err, sizeof(err)) != 0)
			abort();
	}
	snap = snapshot_builder_finish(b, 1);
}

/* check_output - header values: no CR, no NUL, LF only as a fold before a TAB */
static void check_output(const struct decision *d)
{
	size_t i;
	const char *p;

	for (i = 0; i < d->nheaders; i++)
		for (p = d->headers[i].value; *p; p++)
			if (*p == '\r' || (*p == '\n' && p[1] != '\t'))
				abort();
	for (i = 0; i < d->nrcpts; i++)
		if (d->rcpts[i].reply.text && strpbrk(d->rcpts[i].reply.text, "\r\n"))
			abort();
	if (d->reply.text && strpbrk(d->reply.text, "\r\n"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum decide_phase phases[] = { PHASE_RCPT, PHASE_EOM, PHASE_CHECK };
	char *s = xstrndup((const char *)data, size), *line, *save = NULL;
	const char *field[4] = { NULL, NULL, NULL, NULL };
	const char *rcpts[16], *ar[1] = { NULL };
	struct match_scratch *m;
	struct msg_facts f;
	size_t nf = 0, nr = 0, k;

	if (snap == NULL)
		setup();
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (nf < 4)
			field[nf++] = line;
		else if (strncmp(line, "AR:", 3) == 0)
			ar[0] = line + 3;
		else if (nr < 16)
			rcpts[nr++] = line;
	}
	m = match_scratch_new();
	for (k = 0; k < 3; k++) {
		struct decision d;
		memset(&f, 0, sizeof(f));
		f.phase = phases[k];
		f.now = 1795770000;
		f.env_from = field[0];
		f.hdr_from = field[1];
		f.hdr_sender = field[2];
		f.hdr_reply_to = field[3];
		f.rcpts = rcpts;
		f.nrcpts = phases[k] == PHASE_RCPT && nr > 1 ? 1 : nr;
		f.auth_results = ar;
		f.nauth_results = ar[0] ? 1 : 0;
		f.limit_count = count_two;
		decision_init(&d);
		decide(&f, snap, pol, m, &d);
		check_output(&d);
		decision_clear(&d);
	}
	match_scratch_free(m);
	free(s);
	return 0;
}
