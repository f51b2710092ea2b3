-- t-limit-over-tempfail: over the limit the message is tempfailed (450
-- 4.7.1), at RCPT for an envelope match and at EOM for a header match.
dofile(lib)
run(function()
	add("bob@example.org --action limit --limit 1/1d --over tempfail")
	start()
	local c = connect()
	local r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.eom, SMFIR_ACCEPT, "first accepted")
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_REPLYCODE, "second: tempfailed at RCPT")
	r = send(c, { from = "<relay@lists.example>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.eom, SMFIR_REPLYCODE, "third: header match tempfailed at EOM")
	ok(mt.eom_check(c, MT_SMTPREPLY, "450", "4.7.1",
		"You have sent the number of messages we accept from you in this period; please try again later."),
	   "reply 450 4.7.1")
	mt.disconnect(c)
	ok(wait_for(function() return sql("SELECT count(*) FROM events WHERE verdict = 'tempfail'") == "2" end, 3),
	   "two tempfail events")
end)
