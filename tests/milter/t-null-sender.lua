-- t-null-sender: the null sender matches nothing (not even a catch-all
-- pattern); a bounce is still judged by its From: header.
dofile(lib)
run(function()
	add("/.*/ --action block --force")
	start()
	local c = connect()
	local r = send(c, { from = "<>", rcpts = { "<alice@staff.example>" },
		headers = { { "From", "MAILER-DAEMON" }, { "Subject", "Undelivered" } } })
	is(r.rcpt[1], SMFIR_CONTINUE, "null sender: RCPT accepted")
	is(r.eom, SMFIR_ACCEPT, "null sender without From: address accepted")
	ok(not mt.eom_check(c, MT_HDRADD, "X-Restriction"), "not tagged")
	r = send(c, { from = "<>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.eom, SMFIR_REPLYCODE, "null sender with a matching From: refused at EOM")
	mt.disconnect(c)
end)
