/*
 * digest_send.c - hand the digest to SendmailCommand: split by POSIX shell
 * rules without expansion (no shell runs), fork and execvp, the message on
 * its stdin, its output kept in a temporary file so a failure can be
 * reported in one line with what sendmail said. Exit status 0 is success;
 * anything else, a signal or a failed exec is a failure.
 */
#include "autoconfig.h"
#include "cli.h"
#include "digest_model.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* has_t - does the command read the recipients from the headers (-t)? */
static int has_t(const struct strlist *w)
{
	size_t i;

	for (i = 1; i < w->n; i++)
		if (strcmp(w->v[i], "-t") == 0 || strcmp(w->v[i], "-ti") == 0
		    || strcmp(w->v[i], "-it") == 0)
			return 1;
	return 0;
}

/* child - in the child: stdin from in, stdout and stderr to out, exec; errno to report */
static void child(char **argv, int in, int out, int report)
{
	int e;

	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0
	    || dup2(out, STDERR_FILENO) < 0) {
		e = errno;
	} else {
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		e = errno;
	}
	if (write(report, &e, sizeof(e)) != (ssize_t)sizeof(e))
		_exit(126);
	_exit(127);
}

/* write_all - the whole message to fd; 0, or -1 with errno */
static int write_all(int fd, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* said - the first line sendmail wrote, for the error ("" when none) */
static void said(FILE *f, char *out, size_t len)
{
	char line[300];
	size_t n;

	out[0] = '\0';
	if (f == NULL || fseek(f, 0, SEEK_SET) != 0 || fgets(line, sizeof(line), f) == NULL)
		return;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n > 0)
		snprintf(out, len, ": %s", line);
}

/* run - fork, feed and wait; fills err on failure */
static int run(char **argv, const char *message, char *err, size_t errlen)
{
	int in[2], report[2], status, e = 0, rc = 0;
	FILE *out = tmpfile();
	void (*old)(int);
	char what[320];
	pid_t pid;

	if (out == NULL || pipe(in) != 0 || pipe2(report, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "digest: cannot run %s: %s", argv[0], strerror(errno));
		if (out)
			fclose(out);
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "digest: cannot run %s: %s", argv[0], strerror(errno));
		rc = -1;
	} else if (pid == 0) {
		close(in[1]);
		close(report[0]);
		child(argv, in[0], fileno(out), report[1]);
	}
	close(in[0]);
	close(report[1]);
	old = signal(SIGPIPE, SIG_IGN);
	if (pid > 0 && write_all(in[1], message, strlen(message)) != 0)
		e = errno;
	close(in[1]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGPIPE, old);
	if (pid > 0) {
		int exec_errno = 0;

		said(out, what, sizeof(what));
		if (read(report[0], &exec_errno, sizeof(exec_errno)) == (ssize_t)sizeof(exec_errno)) {
			snprintf(err, errlen, "digest: cannot run %s: %s", argv[0], strerror(exec_errno));
			rc = -1;
		} else if (WIFSIGNALED(status)) {
			snprintf(err, errlen, "digest: %s was killed by signal %d%s", argv[0],
				 WTERMSIG(status), what);
			rc = -1;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			snprintf(err, errlen, "digest: %s failed with exit status %d%s", argv[0],
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1, what);
			rc = -1;
		} else if (e != 0) {
			snprintf(err, errlen, "digest: %s did not read the message: %s", argv[0],
				 strerror(e));
			rc = -1;
		}
	}
	close(report[0]);
	fclose(out);
	return rc;
}

int digest_sendmail(const char *command, const struct strlist *to, const char *message,
		    char *err, size_t errlen)
{
	struct strlist words = STRLIST_INIT;
	char **argv;
	size_t i;
	int rc;

	err[0] = '\0';
	if (shell_split(command ? command : "", &words, err, errlen) != 0 || words.n == 0) {
		if (words.n == 0 && err[0] == '\0')
			snprintf(err, errlen, "digest: SendmailCommand is empty");
		strlist_free(&words);
		return -1;
	}
	if (!has_t(&words))
		for (i = 0; i < to->n; i++)
			strlist_add(&words, to->v[i]);
	argv = xcalloc(words.n + 1, sizeof(*argv));
	for (i = 0; i < words.n; i++)
		argv[i] = words.v[i];
	rc = run(argv, message, err, errlen);
	free(argv);
	strlist_free(&words);
	return rc;
}
