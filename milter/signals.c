/*
 * signals.c - our signal thread, and libmilter's kept away from SIGHUP.
 *
 * smfi_main starts a thread that sigwait()s for SIGHUP, SIGTERM and SIGINT
 * and stops the milter on any of them, so with libmilter alone SIGHUP
 * would stop the daemon (OpenDKIM reloads on SIGUSR1 for this reason).
 * SPEC wants SIGHUP to re-read the configuration. Two threads waiting for
 * the same signal get it in no defined order, so instead this file defines
 * sigwait() itself: the executable's definition takes precedence over
 * libc's for libmilter's call, and it waits only for what is left after
 * removing HUP, TERM and INT, i.e. forever. Our thread waits for those
 * three with sigwaitinfo(), which the definition does not touch.
 *
 * On SIGTERM/SIGINT the listening socket is shut down before smfi_stop(),
 * which wakes libmilter's accept loop at once instead of after its 5 s
 * poll (it logs one accept error to syslog while stopping).
 */
#include "signals.h"
#include "log.h"
#include "reload.h"

#include <errno.h>
#include <libmilter/mfapi.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

static int stop_fd = -2;

/* ours - the signals our thread handles */
static void ours(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGHUP);
	sigaddset(s, SIGTERM);
	sigaddset(s, SIGINT);
}

/* sigwait - libmilter's signal thread: wait for anything but our signals */
int sigwait(const sigset_t *set, int *sig)
{
	sigset_t rest = *set;
	int s;

	sigdelset(&rest, SIGHUP);
	sigdelset(&rest, SIGTERM);
	sigdelset(&rest, SIGINT);
	do
		s = sigwaitinfo(&rest, NULL);
	while (s < 0 && errno == EINTR);
	if (s < 0)
		return errno;
	*sig = s;
	return 0;
}

int signals_block(void)
{
	sigset_t s;
	int rc;

	ours(&s);
	rc = pthread_sigmask(SIG_BLOCK, &s, NULL);
	if (rc != 0) {
		log_err("cannot block signals: %s", strerror(rc));
		return -1;
	}
	return 0;
}

/* handler - the thread: reload on HUP, stop on TERM/INT */
static void *handler(void *arg)
{
	sigset_t s;
	int sig;

	(void)arg;
	ours(&s);
	for (;;) {
		sig = sigwaitinfo(&s, NULL);
		if (sig < 0) {
			if (errno != EINTR)
				log_err("sigwaitinfo: %s", strerror(errno));
			continue;
		}
		if (sig == SIGHUP) {
			(void)reload_config();
			continue;
		}
		log_notice("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		/* smfi_stop first: the listener woken by the shutdown must find
		 * the stop request, or it counts accept() errors on a TCP socket
		 * and smfi_main reports failure (exit status 1) */
		(void)smfi_stop();
		if (stop_fd >= 0)
			(void)shutdown(stop_fd, SHUT_RDWR);
		return NULL;
	}
}

int signals_start(int listen_fd)
{
	pthread_t t;
	int rc;

	stop_fd = listen_fd;
	rc = pthread_create(&t, NULL, handler, NULL);
	if (rc != 0) {
		log_err("cannot start the signal thread: %s", strerror(rc));
		return -1;
	}
	(void)pthread_detach(t);
	return 0;
}
