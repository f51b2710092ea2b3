-- t-internal-and-authenticated: mail from InternalHosts or an authenticated
-- client is never restricted or counted, but prefixed headers are still
-- removed so our tags never leave the office.
dofile(lib)
run(function()
	add("bob@example.org --action block")
	start()
	local c = connect("127.0.0.1")
	local r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("bob@example.org", { { "X-Restriction", "file; id=1" } }) })
	is(r.rcpt[1], SMFIR_CONTINUE, "internal client: RCPT accepted")
	is(r.eom, SMFIR_ACCEPT, "internal client: accepted")
	ok(mt.eom_check(c, MT_HDRDELETE, "X-Restriction"), "internal client: prefixed header removed")
	ok(not mt.eom_check(c, MT_HDRADD, "X-Restriction"), "internal client: no tag")
	mt.disconnect(c)
	c = connect("192.0.2.10")
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" },
		macros = { { "{auth_authen}", "bob" } }, headers = hdrs("bob@example.org", { { "X-Restriction", "x" } }) })
	is(r.rcpt[1], SMFIR_CONTINUE, "authenticated: RCPT accepted")
	is(r.eom, SMFIR_ACCEPT, "authenticated: accepted")
	ok(mt.eom_check(c, MT_HDRDELETE, "X-Restriction"), "authenticated: prefixed header removed")
	mt.disconnect(c)
	c = connect("192.0.2.10")
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_REPLYCODE, "the same sender from outside is refused")
	mt.disconnect(c)
	ok(wait_for(function() return sql("SELECT count(*) FROM events WHERE internal = 1") == "2" end, 3),
	   "two internal events")
	-- a connection's context is kept for a later one: nothing of the last is left in it
	c = connect("127.0.0.1")
	r = send(c, { from = "<carol@example.org>", headers = hdrs("carol@example.org"),
		rcpts = { "<a@staff.example>", "<b@staff.example>", "<c@staff.example>" } })
	is(r.eom, SMFIR_ACCEPT, "internal, three recipients: accepted")
	mt.disconnect(c)
	c = connect("192.0.2.11")
	r = send(c, { from = "<dan@example.org>", rcpts = { "<Dan.Staff@Staff.Example>" },
		headers = hdrs("dan@example.org") })
	is(r.eom, SMFIR_ACCEPT, "outside, one recipient: accepted")
	mt.disconnect(c)
	ok(wait_for(function() return sql("SELECT count(*) FROM events") == "5" end, 3), "five events")
	is(sql("SELECT recipients || ' ' || internal || ' ' || json_extract(outcomes, '$[0].address')"
	       .. " || ' ' || json_array_length(outcomes) FROM events ORDER BY id DESC LIMIT 1"),
	   "1 0 dan.staff@staff.example 1", "the next connection's event: its own one recipient, not internal")
end)
