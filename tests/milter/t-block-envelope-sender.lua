-- t-block-envelope-sender: a block matched on the envelope sender refuses
-- each covered recipient at RCPT (550), keeps exempt and outside ones, tags
-- what is delivered, and a message refused for every recipient still gets
-- its NOQUEUE log line and event.
dofile(lib)
run(function()
	local id = add("bob@example.org --action block --message 'Please use the complaints procedure.'")
	start()
	local c = connect()
	local r = send(c, { from = "<Bob+case7@Example.ORG>",
		rcpts = { "<alice@staff.example>", "<complaints@staff.example>", "<x@elsewhere.example>" },
		headers = hdrs("other@relay.example") })
	is(r.mail, SMFIR_CONTINUE, "MAIL FROM a blocked sender continues (refusals are per recipient)")
	is(r.rcpt[1], SMFIR_REPLYCODE, "RCPT staff recipient refused with a reply")
	is(r.rcpt[2], SMFIR_CONTINUE, "RCPT exempt complaints address accepted")
	is(r.rcpt[3], SMFIR_CONTINUE, "RCPT non-staff recipient accepted")
	is(r.eom, SMFIR_ACCEPT, "EOM accepted for the rest")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", lead(c) .. "block; id=" .. id),
	   "tag header X-Restriction: block; id=" .. id)
	ok(not mt.eom_check(c, MT_RCPTDELETE, "<complaints@staff.example>"), "exempt recipient kept")
	ok(not mt.eom_check(c, MT_HDRCHANGE, "Subject"), "subject untouched")

	local r2 = send(c, { from = "<bob@example.org>", qid = false,
		rcpts = { "<alice@staff.example>", "<carol@staff.example>" } })
	is(r2.rcpt[1], SMFIR_REPLYCODE, "second message: alice refused")
	is(r2.rcpt[2], SMFIR_REPLYCODE, "second message: carol refused")
	local r3 = send(c, { from = "<someone@example.net>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("someone@example.net") })
	is(r3.eom, SMFIR_ACCEPT, "an unrestricted sender on the same connection is accepted")
	ok(not mt.eom_check(c, MT_HDRADD, "X-Restriction"), "unrestricted mail gets no tag")
	mt.disconnect(c)

	ok(wait_for(function() return log_count("NOQUEUE: verdict=reject") == 1 end, 2),
	   "refused-everywhere message logged once with verdict=reject")
	ok(log_count("rcpt-refused=alice@staff.example:reject:rcpt,carol@staff.example:reject:rcpt") >= 1,
	   "log line lists both refusals")
	ok(wait_for(function()
		return sql("SELECT count(*) FROM events WHERE queue_id = 'NOQUEUE' AND verdict = 'reject'") == "1"
	end, 3), "event row for the refused-everywhere message")
	is(sql("SELECT restriction_ids FROM events WHERE queue_id = 'NOQUEUE'"), "[" .. id .. "]",
	   "event names the restriction")
	ok(log_count("Bob") == 0 and log_count("test reason") == 0, "no names or reasons in the log")
end)
