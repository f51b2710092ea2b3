-- t-single-contact-redirect: recipients other than the named contact are
-- redirected to the contact (recorded in X-Restriction-Original-Recipients);
-- the contact itself receives the message once; a breach is recorded.
dofile(lib)
run(function()
	local id = add("bob@example.org --action single-contact --contact contact@staff.example")
	start()
	local c = connect()
	local L = lead(c)
	local r = send(c, { from = "<bob@example.org>",
		rcpts = { "<alice@staff.example>", "<contact@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_CONTINUE, "RCPT alice accepted (redirect happens at EOM)")
	is(r.eom, SMFIR_ACCEPT, "accepted")
	ok(mt.eom_check(c, MT_RCPTDELETE, "<alice@staff.example>"), "alice removed")
	ok(not mt.eom_check(c, MT_RCPTADD, "<contact@staff.example>"), "contact already a recipient: not added twice")
	ok(not mt.eom_check(c, MT_RCPTDELETE, "<contact@staff.example>"), "contact kept")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction-Original-Recipients", L .. "alice@staff.example"),
	   "original recipient recorded")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", L .. "single-contact; id=" .. id), "tag header")

	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	ok(mt.eom_check(c, MT_RCPTADD, "<contact@staff.example>"), "contact added when not a recipient")
	ok(mt.eom_check(c, MT_RCPTDELETE, "<alice@staff.example>"), "alice removed")

	r = send(c, { from = "<bob@example.org>", rcpts = { "<contact@staff.example>" }, headers = hdrs("bob@example.org") })
	ok(not mt.eom_check(c, MT_RCPTDELETE, "<contact@staff.example>") and not mt.eom_check(c, MT_RCPTADD, "<contact@staff.example>"), "mail to the contact alone is delivered as is")
	mt.disconnect(c)
	ok(wait_for(function() return sql("SELECT sum(breach) FROM events") == "2" end, 3),
	   "two breaches recorded, none for mail to the contact")
end)
