/*
 * digest_mime.c - the digest as a mail message, built with GMime:
 * multipart/alternative with the text, then the HTML, both UTF-8 and
 * quoted-printable, From DigestFrom, To the recipients, an RFC 2047
 * Subject, Date, Message-ID and Auto-Submitted (RFC 3834), so no header is
 * hand-encoded here.
 */
#include "digest_model.h"
#include "xalloc.h"

#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* add_addresses - parse text as an address list into list; -1 with err */
static int add_addresses(InternetAddressList *list, const char *text, const char *what,
			 char *err, size_t errlen)
{
	InternetAddressList *parsed = internet_address_list_parse(NULL, text);
	int i, n;

	if (parsed == NULL || internet_address_list_length(parsed) == 0) {
		snprintf(err, errlen, "digest: %s \"%.200s\" is not a mail address", what, text);
		if (parsed)
			g_object_unref(parsed);
		return -1;
	}
	n = internet_address_list_length(parsed);
	for (i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(parsed, i);

		if (!INTERNET_ADDRESS_IS_MAILBOX(a)
		    || strchr(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)), '@')
		       == NULL) {
			snprintf(err, errlen, "digest: %s \"%.200s\" is not a mail address", what, text);
			g_object_unref(parsed);
			return -1;
		}
	}
	internet_address_list_append(list, parsed);
	g_object_unref(parsed);
	return 0;
}

/* from_domain - the domain of the (first) From address, for the Message-ID */
static const char *from_domain(GMimeMessage *msg)
{
	InternetAddressList *from = g_mime_message_get_from(msg);
	InternetAddress *a = internet_address_list_get_address(from, 0);
	const char *addr, *at;

	if (!a || !INTERNET_ADDRESS_IS_MAILBOX(a))
		return "localhost";
	addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
	at = addr ? strrchr(addr, '@') : NULL;
	return at && at[1] ? at + 1 : "localhost";
}

/* text_part - one alternative: UTF-8, quoted-printable so lines stay short */
static GMimeObject *text_part(const char *subtype, const char *text)
{
	GMimeTextPart *p = g_mime_text_part_new_with_subtype(subtype);

	g_mime_text_part_set_text(p, text);
	g_mime_text_part_set_charset(p, "UTF-8");
	g_mime_part_set_content_encoding(GMIME_PART(p), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_OBJECT(p);
}

/* headers - From, To, Subject, Date, Message-ID, Auto-Submitted; -1 with err */
static int headers(GMimeMessage *msg, const struct store_digest *d,
		   const struct digest_mail_head *h, char **message_id, char *err, size_t errlen)
{
	char *title = digest_title(d), *mid;
	GDateTime *dt;
	size_t i;

	if (add_addresses(g_mime_message_get_from(msg), h->from, "DigestFrom", err, errlen) != 0) {
		free(title);
		return -1;
	}
	if (h->to->n == 0) {		/* a preview without recipients */
		InternetAddress *g = internet_address_group_new("undisclosed-recipients");

		internet_address_list_add(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), g);
		g_object_unref(g);
	}
	for (i = 0; i < h->to->n; i++)
		if (add_addresses(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO),
				  h->to->v[i], "recipient", err, errlen) != 0) {
			free(title);
			return -1;
		}
	g_mime_message_set_subject(msg, title, "utf-8");
	free(title);
	dt = g_date_time_new_from_unix_local((gint64)h->date);
	g_mime_message_set_date(msg, dt);
	g_date_time_unref(dt);
	mid = g_mime_utils_generate_message_id(from_domain(msg));
	g_mime_message_set_message_id(msg, mid);
	*message_id = xstrdup(mid);
	g_free(mid);
	g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted", "auto-generated", NULL);
	return 0;
}

int digest_mime(const struct store_digest *d, const struct digest_mail_head *h,
		char **out, char **message_id, char *err, size_t errlen)
{
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
	GMimeObject *part;
	char *text = digest_text(d), *html = digest_html(d), *s;

	*out = *message_id = NULL;
	part = text_part("plain", text);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	part = text_part("html", html);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(alt));
	g_object_unref(alt);
	free(text);
	free(html);
	if (headers(msg, d, h, message_id, err, errlen) != 0) {
		g_object_unref(msg);
		free(*message_id);
		*message_id = NULL;
		return -1;
	}
	s = g_mime_object_to_string(GMIME_OBJECT(msg), NULL);
	g_object_unref(msg);
	if (s == NULL) {
		snprintf(err, errlen, "digest: cannot write the MIME message");
		free(*message_id);
		*message_id = NULL;
		return -1;
	}
	*out = xstrdup(s);
	g_free(s);
	return 0;
}
