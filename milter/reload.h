/*
 * reload.h - what the mail path works with, and keeping it current.
 *
 * The running configuration, policy and restriction snapshot live behind
 * one mutex; a message takes counted references to all three at MAIL FROM
 * (a view) and releases them when it ends. A background thread compares
 * the store's generation every RELOAD_INTERVAL_MS, rebuilds the snapshot
 * only when it changed, reopens the database when its file is replaced and
 * tracks how old the last good read is (SnapshotMaxAge, OnDatabaseError).
 */
#ifndef RM_RELOAD_H
#define RM_RELOAD_H

#include <stddef.h>
#include "config.h"
#include "policy.h"
#include "snapshot.h"

#define RELOAD_INTERVAL_MS 250

enum view_health {
	VIEW_OK,		/* the snapshot is current or younger than SnapshotMaxAge */
	VIEW_DB_TEMPFAIL,	/* too old, OnDatabaseError tempfail */
	VIEW_DB_ACCEPT,		/* too old, OnDatabaseError accept */
};

struct view {
	struct config *cfg;
	struct policy *pol;
	struct snapshot *snap;
	enum view_health health;
};

/*
 * reload_init - take cfg and pol (references handed over), open the
 * database at dbpath and build the first snapshot. A start-up failure
 * returns -1 with err.
 */
int reload_init(struct config *cfg, struct policy *pol, const char *dbpath,
		char *err, size_t errlen);
/* reload_start - start the generation watch thread; -1 on failure */
int reload_start(void);
/* reload_stop - stop the thread and release everything */
void reload_stop(void);

/* reload_view_get - references to the current config, policy and snapshot */
void reload_view_get(struct view *v);
/* reload_view_put - release a view (accepts an empty one) */
void reload_view_put(struct view *v);

/*
 * reload_config - SIGHUP: re-read the configuration file; a bad one is
 * logged and the running one kept. Returns 0 or -1.
 */
int reload_config(void);
/* reload_config_path - the file the running config came from */
const char *reload_config_path(void);

#endif
