-- t-file-redirect: file --mode redirect delivers to FilingMailbox (or
-- --mailbox) instead of the staff recipients, recording them in
-- X-Restriction-Original-Recipients; copies go with NOTIFY=NEVER.
dofile(lib)
run(function()
	local id = add("bob@example.org --action file --mode redirect")
	local id2 = add("carol@example.org --action file --mode redirect --mailbox casework@staff.example")
	start()
	local c = connect()
	local L = lead(c)
	local r = send(c, { from = "<bob@example.org>",
		rcpts = { "<alice@staff.example>", "<dave@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.eom, SMFIR_ACCEPT, "accepted")
	ok(mt.eom_check(c, MT_RCPTDELETE, "<alice@staff.example>"), "alice removed")
	ok(mt.eom_check(c, MT_RCPTDELETE, "<dave@staff.example>"), "dave removed")
	ok(mt.eom_check(c, MT_RCPTADD, "<records@staff.example>"), "FilingMailbox added")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", L .. "file; id=" .. id), "tag header")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction-Original-Recipients",
		L .. "alice@staff.example, dave@staff.example"), "original recipients recorded")
	ok(not mt.eom_check(c, MT_HDRCHANGE, "Subject"), "no subject prefix on redirect")

	r = send(c, { from = "<carol@example.org>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("carol@example.org") })
	ok(mt.eom_check(c, MT_RCPTADD, "<casework@staff.example>"), "--mailbox target added")
	ok(not mt.eom_check(c, MT_RCPTADD, "<records@staff.example>"), "not FilingMailbox then")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", L .. "file; id=" .. id2), "its tag header")
	mt.disconnect(c)
end)
