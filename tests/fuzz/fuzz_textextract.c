/*
 * fuzz_textextract.c - libFuzzer target: MIME text extraction (GMime walk,
 * HTML to text, quote and signature removal) and novelty fingerprinting on
 * any message bytes; the output is bounded and the fingerprint round-trips.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addrlist.h"
#include "novelty.h"
#include "textextract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct textextract t;
	const char *raw = (const char *)data;

	rules_init();
	memset(&t, 0, sizeof(t));
	if (textextract_message(raw, size, OUT_MAX, &t) == 0) {
		struct novelty_fp *fp, *back;
		char *ser;
		if (strlen(t.text) > OUT_MAX + 4)
			abort();
		fp = novelty_fingerprint(t.text, t.quoted);
		ser = novelty_fp_serialise(fp);
		back = novelty_fp_parse(ser);
		if (back == NULL)
			abort();	/* what we store must parse again */
		novelty_fp_free(back);
		free(ser);
		novelty_fp_free(fp);
	}
	textextract_clear(&t);
	memset(&t, 0, sizeof(t));
	if (textextract_body("text/html; charset=iso-8859-1", "quoted-printable", raw, size,
			     OUT_MAX, &t) == 0 && strlen(t.text) > OUT_MAX + 4)
		abort();
	textextract_clear(&t);
	return 0;
}
