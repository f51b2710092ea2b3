/*
 * signals.h - SIGHUP re-reads the configuration; SIGTERM and SIGINT stop
 * the milter promptly. Handled by one thread of ours with sigwaitinfo.
 */
#ifndef RM_SIGNALS_H
#define RM_SIGNALS_H

/* signals_block - block HUP, TERM, INT; call before any thread is started */
int signals_block(void);
/* signals_start - the signal thread; listen_fd is shut down on stop (-2 = unknown) */
int signals_start(int listen_fd);

#endif
