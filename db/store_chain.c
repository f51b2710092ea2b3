/*
 * store_chain.c - the audit hash chain: each row's hash covers the previous
 * row's hash and the row itself, so an altered, removed or truncated
 * history is detected (store.h, store_audit_verify).
 *
 * hash = lower-case hex SHA-256 (OpenSSL EVP) of the octets
 *	"restrict-milter audit 1\n" prev_hash
 * followed by the fields id, at, os_user, sudo_user, command, before_json,
 * after_json, each written as "-" when NULL, else as its length in octets
 * in decimal, ":", and the octets (id and at as decimal text). The length
 * prefixes make the encoding unambiguous. The first row links to 64 zeros;
 * when purge has deleted the oldest rows, the first remaining row's
 * prev_hash must equal the "first" recorded by a checkpoint row:
 *	after_json {"checkpoint": {"head", "rows", "first": {"id", "prev_hash"}}}
 */
#include "store_int.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAIN_DOMAIN "restrict-milter audit 1\n"

/* the rows with what a checkpoint row says about the first one and the old head */
#define VERIFY_ROWS \
	"SELECT id, at, os_user, sudo_user, command, before_json, after_json, prev_hash, hash," \
	" CASE WHEN json_valid(after_json)" \
	"  THEN json_extract(after_json, '$.checkpoint.first.id') END," \
	" CASE WHEN json_valid(after_json)" \
	"  THEN json_extract(after_json, '$.checkpoint.first.prev_hash') END" \
	" FROM audit ORDER BY id"

/* digest_field - one length-prefixed field (or "-" for NULL) */
static int digest_field(EVP_MD_CTX *ctx, const struct chain_field *f)
{
	char len[32];

	if (f->p == NULL)
		return EVP_DigestUpdate(ctx, "-", 1);
	snprintf(len, sizeof(len), "%zu:", f->len);
	return EVP_DigestUpdate(ctx, len, strlen(len)) && EVP_DigestUpdate(ctx, f->p, f->len);
}

int store_chain_hash(const char *prev_hash, const struct chain_field *f, char *out,
		     char *err, size_t errlen)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)
	     && EVP_DigestUpdate(ctx, CHAIN_DOMAIN, strlen(CHAIN_DOMAIN))
	     && EVP_DigestUpdate(ctx, prev_hash, strlen(prev_hash));
	for (i = 0; ok && i < CHAIN_NFIELDS; i++)
		ok = digest_field(ctx, &f[i]);
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen * 2 == STORE_HASH_LEN;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		snprintf(err, errlen, "DB: SHA-256 failed (libcrypto)");
		return -1;
	}
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * mdlen] = '\0';
	return 0;
}

/* column_field - column i of the current row as a hash field */
static void column_field(sqlite3_stmt *stmt, int i, struct chain_field *f)
{
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
		f->p = NULL;
		f->len = 0;
		return;
	}
	f->p = sqlite3_column_text(stmt, i);
	f->len = (size_t)sqlite3_column_bytes(stmt, i);
	if (f->p == NULL)
		f->p = "";
}

/* row_hash - recompute the hash of the current VERIFY_ROWS row over prev */
static int row_hash(sqlite3_stmt *stmt, const char *prev, char *out, char *err, size_t errlen)
{
	struct chain_field f[CHAIN_NFIELDS];
	int i;

	for (i = 0; i < CHAIN_NFIELDS; i++)
		column_field(stmt, i, &f[i]);
	return store_chain_hash(prev, f, out, err, errlen);
}

/* text_or - a column as a C string, or dflt for NULL */
static const char *text_or(sqlite3_stmt *stmt, int i, const char *dflt)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);

	return s ? (const char *)s : dflt;
}

/* bad - record the first problem found: "row ID: …" */
static void bad(struct store_verify *v, long long id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void bad(struct store_verify *v, long long id, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (v->bad_id != 0)
		return;
	v->bad_id = id;
	n = snprintf(v->problem, sizeof(v->problem), "row %lld: ", id);
	va_start(ap, fmt);
	vsnprintf(v->problem + n, sizeof(v->problem) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* verify_state - what the walk remembers between rows */
struct walk {
	char prev[STORE_HASH_LEN + 1];	/* the previous row's stored hash */
	long long prev_id;
	long long first_id;
	char first_prev[STORE_HASH_LEN + 1];
};

/* verify_row - check one row's hash and link, note checkpoints and the head */
static int verify_row(sqlite3_stmt *stmt, struct walk *w, const char *want,
		      struct store_verify *v, char *err, size_t errlen)
{
	long long id = sqlite3_column_int64(stmt, 0);
	const char *prev = text_or(stmt, 7, ""), *hash = text_or(stmt, 8, "");
	char got[STORE_HASH_LEN + 1];

	if (row_hash(stmt, prev, got, err, errlen) != 0)
		return -1;
	if (strcmp(got, hash) != 0)
		bad(v, id, "hash does not match its contents (altered)");
	if (v->rows == 0) {
		w->first_id = id;
		snprintf(w->first_prev, sizeof(w->first_prev), "%s", prev);
	} else if (strcmp(prev, w->prev) != 0) {
		if (id != w->prev_id + 1)
			bad(v, id, "does not link to row %lld (rows between removed)", w->prev_id);
		else
			bad(v, id, "prev_hash does not match row %lld's hash", w->prev_id);
	}
	if (sqlite3_column_type(stmt, 9) != SQLITE_NULL
	    && sqlite3_column_int64(stmt, 9) == w->first_id
	    && strcmp(text_or(stmt, 10, ""), w->first_prev) == 0 && !v->vouched_by)
		v->vouched_by = id;
	if (want && strcmp(hash, want) == 0 && strcmp(got, hash) == 0)
		v->head_row = id;
	if (want && !v->head_row && sqlite3_column_type(stmt, 9) != SQLITE_NULL
	    && strcmp(text_or(stmt, 10, ""), want) == 0 && strcmp(want, STORE_HASH_ZERO) != 0)
		v->head_row = -id;	/* a head that purge deleted, vouched for here */
	snprintf(w->prev, sizeof(w->prev), "%s", hash);
	w->prev_id = id;
	v->rows++;
	return 0;
}

int store_audit_verify(struct store *st, const char *want_head, struct store_verify *v,
		       char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, VERIFY_ROWS, err, errlen);
	struct walk w;
	int rc;

	memset(v, 0, sizeof(*v));
	memset(&w, 0, sizeof(w));
	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (verify_row(stmt, &w, want_head, v, err, errlen) != 0) {
			sqlite3_finalize(stmt);
			return -1;
		}
	if (rc != SQLITE_DONE) {
		store_error(st, "cannot read the audit rows", err, errlen);
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	snprintf(v->head, sizeof(v->head), "%s", w.prev);
	if (v->rows && strcmp(w.first_prev, STORE_HASH_ZERO) != 0 && !v->vouched_by) {
		v->bad_id = 0;
		bad(v, w.first_id, "the rows before it were removed (no checkpoint vouches for"
		    " its prev_hash)");
	}
	if (v->head_row > 0)
		v->after_head = w.prev_id - v->head_row;
	if (v->bad_id == 0 && want_head && v->head_row == 0) {
		v->bad_id = w.prev_id;
		snprintf(v->problem, sizeof(v->problem), "the chain ends before the recorded head"
			 " %.64s (last row %lld)", want_head, w.prev_id);
	}
	return v->bad_id ? 1 : 0;
}

/* seal_row - write the link and hash of one row that has none */
static int seal_row(struct store *st, long long id, const char *prev, const char *hash,
		    char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, "UPDATE audit SET prev_hash = ?1, hash = ?2"
					   " WHERE id = ?3", err, errlen);
	int b = 0;

	if (!stmt)
		return -1;
	b |= store_bind_text(stmt, 1, prev);
	b |= store_bind_text(stmt, 2, hash);
	b |= sqlite3_bind_int64(stmt, 3, (sqlite3_int64)id);
	if (store_bound(st, stmt, b, err, errlen) != 0)
		return -1;
	return store_step_done(st, stmt, "cannot seal an audit row", err, errlen);
}

int store_chain_seal(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = store_prepare(st, VERIFY_ROWS, err, errlen);
	char hash[STORE_HASH_LEN + 1], prev[STORE_HASH_LEN + 1] = STORE_HASH_ZERO;
	int rc;

	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(stmt, 0);

		if (sqlite3_column_type(stmt, 8) != SQLITE_NULL) {
			snprintf(prev, sizeof(prev), "%s", text_or(stmt, 8, ""));
			continue;
		}
		if (row_hash(stmt, prev, hash, err, errlen) != 0
		    || seal_row(st, id, prev, hash, err, errlen) != 0) {
			sqlite3_finalize(stmt);
			return -1;
		}
		snprintf(prev, sizeof(prev), "%s", hash);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot read the audit rows", err, errlen);
	return 0;
}
