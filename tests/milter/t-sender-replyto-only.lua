-- t-sender-replyto-only: a match on Sender: or Reply-To: alone never
-- refuses or redirects: it tags and files as file --mode tag would.
dofile(lib)
run(function()
	local id = add("bob@example.org --action block")
	start()
	local c = connect()
	local L = lead(c)
	local r = send(c, { from = "<office@rep.example>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("office@rep.example", { { "Sender", "bob@example.org" } }) })
	is(r.eom, SMFIR_ACCEPT, "Sender: match accepted")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", L .. "file; id=" .. id), "tagged as file")
	ok(mt.eom_check(c, MT_HDRCHANGE, "Subject", L .. "[Read and file] A letter"), "subject prefixed")
	ok(not mt.eom_check(c, MT_RCPTDELETE, "<alice@staff.example>"), "not redirected")
	r = send(c, { from = "<office@rep.example>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("office@rep.example", { { "Reply-To", "Bob <bob@example.org>" } }) })
	is(r.eom, SMFIR_ACCEPT, "Reply-To: match accepted")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", L .. "file; id=" .. id), "tagged as file")
	mt.disconnect(c)
	ok(wait_for(function() return log_count(":header-reply-to") == 1 end, 2), "log names the matched kind")
end)
