-- t-exempt-mix-rcpt: an envelope block refuses staff recipients at RCPT
-- but never the exempt complaints address, which receives the message
-- tagged; nothing is filed because the refusal already happened at RCPT.
dofile(lib)
run(function()
	local id = add("@example.org --action block")
	start()
	local c = connect()
	local r = send(c, { from = "<bob@example.org>",
		rcpts = { "<alice@staff.example>", "<Complaints+x@Staff.Example>" },
		headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_REPLYCODE, "staff recipient refused at RCPT")
	is(r.rcpt[2], SMFIR_CONTINUE, "exempt recipient (any case, subaddress) accepted")
	is(r.eom, SMFIR_ACCEPT, "EOM accepted for the exempt recipient")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", lead(c) .. "block; id=" .. id), "tagged")
	ok(not mt.eom_check(c, MT_RCPTADD, "<records@staff.example>"), "nothing filed")
	ok(not mt.eom_check(c, MT_RCPTDELETE, "<alice@staff.example>"), "no recipient removed")
	ok(not mt.eom_check(c, MT_SMTPREPLY, "550"), "no message-level reply")
	mt.disconnect(c)
	ok(wait_for(function() return log_count("rcpt-refused=alice@staff.example:reject:rcpt") == 1 end, 2),
	   "log line shows the RCPT refusal with the accepted rest")
end)
