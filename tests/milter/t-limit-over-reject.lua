-- t-limit-over-reject: over the limit, an envelope match is refused at
-- RCPT and a header match at end of message; refused attempts do not count.
dofile(lib)
run(function()
	add("bob@example.org --action limit --limit 1/1d --over reject")
	start()
	local c = connect()
	local r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.eom, SMFIR_ACCEPT, "first accepted")
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>", "<complaints@staff.example>" },
		headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_REPLYCODE, "second: envelope match refused at RCPT")
	is(r.rcpt[2], SMFIR_CONTINUE, "second: exempt recipient accepted")
	r = send(c, { from = "<relay@lists.example>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.eom, SMFIR_REPLYCODE, "third: header match refused at EOM")
	ok(mt.eom_check(c, MT_SMTPREPLY, "550", "5.7.1",
		"You have sent the number of messages we accept from you in this period; this message has not been delivered."),
	   "reply 550 5.7.1 with the limit text")
	mt.disconnect(c)
	ok(wait_for(function() return sql("SELECT count(*) FROM events") == "3" end, 3), "three events")
	is(sql("SELECT count(*) FROM events WHERE counted_users IS NOT NULL"), "1", "only the accepted one counted")
end)
