-- t-trial-untouched: a trial restriction changes nothing on live mail (no
-- refusal, header, prefix or recipient change) but records what it would
-- have done in the event.
dofile(lib)
run(function()
	local id = add("bob@example.org --action block --trial")
	add("carol@example.org --action file --mode redirect --trial")
	start()
	local c = connect()
	local r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_CONTINUE, "trial block: RCPT accepted")
	is(r.eom, SMFIR_ACCEPT, "trial block: accepted")
	ok(not mt.eom_check(c, MT_HDRADD), "no header")
	ok(not mt.eom_check(c, MT_SMTPREPLY, "550"), "no reply")
	r = send(c, { from = "<carol@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("carol@example.org") })
	ok(not mt.eom_check(c, MT_RCPTDELETE, "<alice@staff.example>") and not mt.eom_check(c, MT_RCPTADD, "<records@staff.example>"), "trial redirect: no recipient change")
	ok(not mt.eom_check(c, MT_HDRCHANGE), "no subject change")
	mt.disconnect(c)
	ok(wait_for(function() return sql("SELECT count(*) FROM events WHERE would IS NOT NULL") == "2" end, 3),
	   "both events carry the would summary")
	local w = sql("SELECT would FROM events WHERE restriction_ids = '[" .. id .. "]'")
	ok(w:find('"effect":"reject"', 1, true) and w:find("alice@staff.example", 1, true), "would: reject alice (" .. w .. ")")
	ok(log_count("block(trial)") >= 1, "log line marks the trial")
end)
