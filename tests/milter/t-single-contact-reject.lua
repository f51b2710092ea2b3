-- t-single-contact-reject: --mode reject refuses recipients other than the
-- contact with a text naming the contact: at RCPT for an envelope match,
-- by filing at EOM for a header match mixed with the contact.
dofile(lib)
run(function()
	add("bob@example.org --action single-contact --contact contact@staff.example --mode reject")
	start()
	local c = connect()
	local r = send(c, { from = "<bob@example.org>",
		rcpts = { "<alice@staff.example>", "<contact@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_REPLYCODE, "alice refused at RCPT")
	is(r.rcpt[2], SMFIR_CONTINUE, "contact accepted")
	is(r.eom, SMFIR_ACCEPT, "delivered to the contact")
	ok(wait_for(function() return sql("SELECT count(*) FROM events") == "1" end, 3), "event written")
	is(sql("SELECT breach FROM events ORDER BY id LIMIT 1"), "1",
	   "the refusal at RCPT is recorded as a breach though the contact got the message")

	r = send(c, { from = "<relay@lists.example>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("bob@example.org") })
	is(r.eom, SMFIR_REPLYCODE, "header match, only alice: the message is refused")
	ok(mt.eom_check(c, MT_SMTPREPLY, "550", "5.7.1",
		"Please write to contact@staff.example; this message has not been delivered."),
	   "reply names the contact")

	r = send(c, { from = "<relay@lists.example>",
		rcpts = { "<alice@staff.example>", "<contact@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.eom, SMFIR_ACCEPT, "header match mixed with the contact: accepted")
	ok(mt.eom_check(c, MT_RCPTDELETE, "<alice@staff.example>"), "alice filed")
	ok(mt.eom_check(c, MT_RCPTADD, "<records@staff.example>"), "FilingMailbox added")
	mt.disconnect(c)
end)
