/*
 * test_jsonw.c - unit tests for milter/jsonw: the writer's text must be what
 * Jansson's json_dumps(JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY)
 * gives for the same values, byte for byte, because events written by the
 * milter are read back with Jansson. Fixed strings cover every escape and
 * every way UTF-8 can be wrong; 200,000 random strings (mostly high bytes)
 * cover the rest; nested arrays and objects check commas and key order.
 */
#include "jsonw.h"
#include "check_helpers.h"

#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define DUMP_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY)

/* jansson_text - Jansson's text for s, "(invalid)" when it refuses s */
static char *jansson_text(const char *s)
{
	json_t *j = json_string(s);
	char *t;

	if (j == NULL)
		j = json_string("(invalid)");
	t = json_dumps(j, DUMP_FLAGS);
	json_decref(j);
	return t;
}

/* ours - the writer's text for s */
static char *ours(const char *s)
{
	struct buf b;

	buf_init(&b);
	jsonw_string_text(&b, s);
	return buf_take(&b);
}

static const char *const strings[] = {
	"", "plain", "a\"b", "back\\slash", "/slash", "\b\f\n\r\t", "\x01\x1f\x7f",
	"caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80 smile", "\xf4\x8f\xbf\xbf",
	"\xc0\x80", "\xc1\xbf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf",
	"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\x80", "\xc3", "\xe2\x82", "ok\xc3(",
	"</script><b>&amp;", "X-Restriction: injected\r\nBcc: x@y", "\xef\xbf\xbf", "\xee\x80\x80",
};

START_TEST(test_strings_match_jansson)
{
	char *want = jansson_text(strings[_i]), *got = ours(strings[_i]);

	ck_assert_msg(strcmp(got, want) == 0, "string %d: ours %s, Jansson %s", _i, got, want);
	free(got);
	free(want);
}
END_TEST

START_TEST(test_random_strings_match_jansson)
{
	unsigned long seed = 12345;
	char s[24], *want, *got;
	int i, k, len;

	for (i = 0; i < 200000; i++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		len = (int)((seed >> 33) % 12);
		for (k = 0; k < len; k++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			unsigned r = (unsigned)(seed >> 33);
			/* half the bytes in 0x80..0xff, where UTF-8 goes wrong */
			s[k] = (char)(r & 1 ? 0x80 | ((r >> 1) & 0x7f) : 1 + (r >> 1) % 255);
		}
		s[len] = '\0';
		want = jansson_text(s);
		got = ours(s);
		ck_assert_msg(strcmp(got, want) == 0, "random %d: ours %s, Jansson %s", i, got, want);
		free(got);
		free(want);
	}
}
END_TEST

START_TEST(test_nested_values_match_jansson)
{
	struct jsonw w;
	json_t *a = json_array(), *o = json_object(), *t = json_array(), *e = json_object();
	char *want, *got;

	jsonw_init(&w);
	jsonw_open(&w, '[');
	jsonw_open(&w, '{');
	jsonw_key(&w, "address");
	jsonw_str(&w, "a@b.example");
	jsonw_key(&w, "filed");
	jsonw_bool(&w, 1);
	jsonw_key(&w, "to");
	jsonw_open(&w, '[');
	jsonw_str(&w, "x\xc3\xa9");
	jsonw_str(&w, NULL);
	jsonw_close(&w, ']');
	jsonw_key(&w, "restriction");
	jsonw_null(&w);
	jsonw_key(&w, "id");
	jsonw_int(&w, -9223372036854775807LL - 1);
	jsonw_key(&w, "empty");
	jsonw_open(&w, '{');
	jsonw_close(&w, '}');
	jsonw_close(&w, '}');
	jsonw_int(&w, 42);
	jsonw_bool(&w, 0);
	jsonw_close(&w, ']');
	got = jsonw_finish(&w);

	json_array_append_new(t, json_string("x\xc3\xa9"));
	json_array_append_new(t, json_string(""));
	json_object_set_new(o, "address", json_string("a@b.example"));
	json_object_set_new(o, "filed", json_true());
	json_object_set_new(o, "to", t);
	json_object_set_new(o, "restriction", json_null());
	json_object_set_new(o, "id", json_integer(-9223372036854775807LL - 1));
	json_object_set_new(o, "empty", e);
	json_array_append_new(a, o);
	json_array_append_new(a, json_integer(42));
	json_array_append_new(a, json_false());
	want = json_dumps(a, DUMP_FLAGS);
	json_decref(a);
	ck_assert_msg(strcmp(got, want) == 0, "ours %s, Jansson %s", got, want);
	free(got);
	free(want);
}
END_TEST

START_TEST(test_strlist_matches_jansson)
{
	struct strlist l = STRLIST_INIT;
	struct jsonw w;
	json_t *a = json_array();
	char *want, *got;

	strlist_add(&l, "a@staff.example");
	strlist_add(&l, "\"quoted\"\r\n");
	strlist_add(&l, "bad \xff");
	jsonw_init(&w);
	jsonw_open(&w, '[');
	jsonw_strlist(&w, &l);
	jsonw_strlist(&w, NULL);
	jsonw_close(&w, ']');
	got = jsonw_finish(&w);
	json_t *inner = json_array();
	json_array_append_new(inner, json_string("a@staff.example"));
	json_array_append_new(inner, json_string("\"quoted\"\r\n"));
	json_array_append_new(inner, json_string("(invalid)"));
	json_array_append_new(a, inner);
	json_array_append_new(a, json_array());
	want = json_dumps(a, DUMP_FLAGS);
	json_decref(a);
	ck_assert_msg(strcmp(got, want) == 0, "ours %s, Jansson %s", got, want);
	free(got);
	free(want);
	strlist_free(&l);
}
END_TEST

/* nesting past JSONW_DEPTH_MAX is a bug in the caller: abort, never wrong text */
START_TEST(test_too_deep_aborts)
{
	struct jsonw w;
	int i;

	jsonw_init(&w);
	for (i = 0; i < JSONW_DEPTH_MAX; i++)
		jsonw_open(&w, '[');
}
END_TEST

START_TEST(test_close_without_open_aborts)
{
	struct jsonw w;

	jsonw_init(&w);
	jsonw_close(&w, ']');
}
END_TEST

/* a key is one of the program's names; one that would need escaping, or none, is a bug */
static const char *const bad_keys[] = { "a\"b", "", "Upper", "sp ace", "caf\xc3\xa9" };

START_TEST(test_key_that_is_not_a_plain_name_aborts)
{
	struct jsonw w;

	jsonw_init(&w);
	jsonw_open(&w, '{');
	jsonw_key(&w, bad_keys[_i]);
}
END_TEST

START_TEST(test_empty_array_and_finish_leaves_writer_empty)
{
	struct jsonw w;
	char *got;

	jsonw_init(&w);
	jsonw_open(&w, '[');
	jsonw_close(&w, ']');
	got = jsonw_finish(&w);
	ck_assert_str_eq(got, "[]");
	free(got);
	jsonw_free(&w);	/* harmless after finish */
}
END_TEST

static Suite *jsonw_suite(void)
{
	Suite *s = suite_create("jsonw");
	TCase *tc = tcase_create("jsonw");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_strings_match_jansson, 0, N(strings));
	tcase_add_test(tc, test_random_strings_match_jansson);
	tcase_add_test(tc, test_nested_values_match_jansson);
	tcase_add_test(tc, test_empty_array_and_finish_leaves_writer_empty);
	tcase_add_test(tc, test_strlist_matches_jansson);
	tcase_add_test_raise_signal(tc, test_too_deep_aborts, SIGABRT);
	tcase_add_test_raise_signal(tc, test_close_without_open_aborts, SIGABRT);
	tcase_add_loop_test_raise_signal(tc, test_key_that_is_not_a_plain_name_aborts, SIGABRT,
					 0, N(bad_keys));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(jsonw_suite());
}
