-- t-exempt-mix-eom-filing: a header match known only at end of message,
-- when some recipient must still receive the message (exempt, or not
-- covered): the covered recipients that would be refused are replaced by
-- FilingMailbox (exact RCPT argument removed, filing added NOTIFY=NEVER).
dofile(lib)
run(function()
	local id = add("bob@example.org --action block")
	start()
	local c = connect()
	local r = send(c, { from = "<relay@lists.example>",
		rcpts = { "<Alice@Staff.Example>", "<complaints@staff.example>" },
		headers = hdrs("Bob <bob@example.org>") })
	is(r.eom, SMFIR_ACCEPT, "accepted: the exempt recipient still receives it")
	ok(mt.eom_check(c, MT_RCPTDELETE, "<Alice@Staff.Example>"), "covered recipient removed by its exact RCPT argument")
	ok(mt.eom_check(c, MT_RCPTADD, "<records@staff.example>"), "FilingMailbox added")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", lead(c) .. "block; id=" .. id), "tagged")
	ok(not mt.eom_check(c, MT_RCPTDELETE, "<complaints@staff.example>"), "exempt recipient kept")

	r = send(c, { from = "<relay@lists.example>",
		rcpts = { "<alice@staff.example>", "<friend@elsewhere.example>" },
		headers = hdrs("bob@example.org") })
	is(r.eom, SMFIR_ACCEPT, "mixed with an outside recipient: accepted")
	ok(mt.eom_check(c, MT_RCPTDELETE, "<alice@staff.example>"), "staff recipient filed")
	ok(mt.eom_check(c, MT_RCPTADD, "<records@staff.example>"), "filing added")
	mt.disconnect(c)
	ok(wait_for(function() return log_count("alice@staff.example:redirect:eom:filed") == 2 end, 2),
	   "log marks the filed recipient both times")
end)
