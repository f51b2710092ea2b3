/*
 * check.h - `restrict-milter -t`: configuration, required keys, database
 * and the file ownership that would lock the milter's User out.
 */
#ifndef RM_CHECK_H
#define RM_CHECK_H

/* check_run - print each problem on stdout; returns the exit status (0 or 1) */
int check_run(const char *conf_path, const char *socket_override, const char *db_override);

#endif
