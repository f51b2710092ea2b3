/*
 * restrictctl.c - the administrators' command: global options, usage and
 * dispatch to one file per command group (cmd_*.c).
 *
 * restrictctl [-c FILE] [-d DB] COMMAND [ARGS]; -c and -d are also
 * accepted after the command. Exit status: 0 success, 2 usage errors
 * visible from the arguments alone, 1 errors that need state.
 */
#include "autoconfig.h"
#include "cli.h"
#include "addrlist.h"
#include "log.h"
#include "timeparse.h"
#include "xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "init", cmd_init, "init                             create or migrate the database" },
	{ "add", cmd_add, "add SELECTOR... --action A [action options] --reason TEXT\n"
	  "      --authorised-by NAME [--name NAME] [--case REF] [--notified DATE]\n"
	  "      [--starts DATE] [--ends DATE] [--review DATE] [--user ID] [--flag ID]\n"
	  "      [--trial] [--force]" },
	{ "propose", cmd_propose, "propose SELECTOR... --action A [action options] --reason TEXT\n"
	  "      --requested-by NAME --criteria LIST [--name NAME] [--case REF] [--starts DATE]\n"
	  "      [--ends DATE] [--review DATE] [--user ID] [--flag ID] [--trial] [--force]\n"
	  "      LIST (policy 5.6): handled,decision-right,communication-adequate,\n"
	  "      misunderstandings-addressed,access-considered,advice-signposted" },
	{ "approve", cmd_approve, "approve ID --by NAME [--criteria LIST]" },
	{ "notified", cmd_notified, "notified ID --on DATE            record the written notice" },
	{ "vary", cmd_vary, "vary ID [action options] --by NAME --reason TEXT [--force]" },
	{ "lift", cmd_lift, "lift ID --by NAME --reason TEXT" },
	{ "review", cmd_review, "review ID --by NAME --outcome continue|vary|lift [--notes TEXT]\n"
	  "      [--next DATE]" },
	{ "dispute", cmd_dispute, "dispute ID --notes TEXT          record a dispute (policy 6.1)\n"
	  "  restrictctl dispute ID --decide upheld|varied|lifted --by NAME [--notes TEXT]" },
	{ "selector", cmd_selector, "selector add|remove USER-ID SELECTOR [--force]" },
	{ "list", cmd_list, "list [--all] [--due DAYS] [--json]" },
	{ "show", cmd_show, "show ID [--json]" },
	{ "users", cmd_users, "users [--json]" },
	{ "user", cmd_user, "user ID [--json]" },
	{ "audit", cmd_audit, "audit [--since DATE] [--json]\n"
	  "  restrictctl audit --verify [--head HASH]  check the hash chain" },
	{ "import", cmd_import, "import FILE.csv --authorised-by NAME --reason TEXT [--dry-run] [--force]\n"
	  "      header row: selector,action,name,case,options" },
	{ "export", cmd_export, "export USER-ID [-o FILE]         everything held on one person (8.2)" },
	{ "purge", cmd_purge, "purge [--dry-run]                apply the retention schedule" },
	{ "check", cmd_check, "check --from ADDR [--header-from VALUE] [--sender VALUE]\n"
	  "      [--reply-to VALUE] --to ADDR [--to ADDR...] [--internal] [--json]" },
	{ "events", cmd_events, "events [--since DATE] [--user ID] [--queue-id ID] [--message-id ID]\n"
	  "      [--address ADDR] [--outcome accept|reject|tempfail|hold|redirect] [--json]" },
	{ "flags", cmd_flags, "flags [--all] [--json]           scattergun and volume flags (open, escalated)" },
	{ "flag", cmd_flag, "flag ID --dismiss|--escalate --by NAME  a decision on a flag" },
	{ "status", cmd_status, "status [--json]                  milter seen recently? counts, sizes, due reviews" },
	{ "digest", cmd_digest, "digest [--since DATE] [--until DATE] [--format text|html|mime] [--send]\n"
	  "      [--to ADDR...]                the weekly digest for Heads of Department" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* usage - the synopsis of every command */
static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: restrictctl [-c FILE] [-d DB] COMMAND [ARGS]\n\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  restrictctl %s\n", commands[i].usage);
	fprintf(out, "\naction options: --message TEXT (block), --mode tag|redirect and"
		" --mailbox ADDR (file),\n  --contact ADDR and --mode redirect|reject (single-contact),"
		" --limit N/PERIOD and\n  --over file|hold|reject|tempfail (limit), --copy-to ADDR"
		" (monitor); watch has none.\n"
		"Dates are local (2026-11-27, 2026-11-27T09:00); periods 30m, 12h, 7d, 2w.\n"
		"Exit status: 0 success, 2 usage error, 1 error that needs state.\n");
}

/* global_options - options before the command; returns the command's index or -1 */
static int global_options(struct cli *c, int argc, char **argv, int *status)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:c:d:hV", lo, NULL)) != -1) {
		switch (ch) {
		case 'c':
			c->config_path = optarg;
			break;
		case 'd':
			c->db_path = optarg;
			break;
		case 'h':
			usage(stdout);
			*status = 0;
			return -1;
		case 'V':
			printf("restrictctl (restrict-milter) %s\n", PACKAGE_VERSION);
			*status = 0;
			return -1;
		case ':':
			*status = cli_fail(EXIT_USAGE, "option %s needs a value", argv[optind - 1]);
			return -1;
		default:
			*status = cli_fail(EXIT_USAGE, "unknown option %s (try --help)", argv[optind - 1]);
			return -1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		*status = EXIT_USAGE;
		return -1;
	}
	return optind;
}

int main(int argc, char **argv)
{
	struct cli c;
	size_t i;
	int first, status = EXIT_USAGE;

	memset(&c, 0, sizeof(c));
	log_open("restrictctl", 1, LOG_USER);
	c.command_text = cli_command_text(argc, argv);
	c.now = clock_now();
	first = global_options(&c, argc, argv, &status);
	if (first >= 0) {
		for (i = 0; i < NCOMMANDS; i++)
			if (strcmp(argv[first], commands[i].name) == 0)
				break;
		if (i == NCOMMANDS) {
			status = cli_fail(EXIT_USAGE, "unknown command \"%.100s\" (try --help)", argv[first]);
		} else {
			rules_init();
			status = commands[i].run(&c, argc - first, argv + first);
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (status == 0)
			status = cli_fail(EXIT_STATE, "cannot write the output");
	}
	config_unref(c.cfg);
	free(c.command_text);
	return status;
}
