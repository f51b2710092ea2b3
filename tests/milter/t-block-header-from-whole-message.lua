-- t-block-header-from-whole-message: a block matched only on From: is known
-- at end of message, so it refuses the whole message (550 5.7.1 BlockText)
-- when it covers every recipient; RCPT is never refused for it.
dofile(lib)
local BLOCK = "Your message has not been delivered. You may raise a concern about" ..
	" this decision through our complaints procedure."
run(function()
	add("bob@example.org --action block")
	start()
	local c = connect()
	local r = send(c, { from = "<relay@lists.example>",
		rcpts = { "<alice@staff.example>", "<carol@staff.example>" },
		headers = hdrs('"Bob B." <bob@example.org>') })
	is(r.rcpt[1], SMFIR_CONTINUE, "RCPT accepted: the envelope does not match")
	is(r.rcpt[2], SMFIR_CONTINUE, "second RCPT accepted")
	is(r.eom, SMFIR_REPLYCODE, "EOM refused with a reply")
	ok(mt.eom_check(c, MT_SMTPREPLY, "550", "5.7.1", BLOCK), "reply is 550 5.7.1 BlockText")
	ok(not mt.eom_check(c, MT_HDRADD), "a refused message gets no header")
	ok(not mt.eom_check(c, MT_RCPTDELETE, "<alice@staff.example>"), "a refused message gets no recipient change")

	r = send(c, { from = "<relay@lists.example>", rcpts = { "<alice@staff.example>" },
		headers = hdrs('undisclosed:; , Someone <x@example.net>, "B" <BOB@example.org>') })
	is(r.eom, SMFIR_REPLYCODE, "From: with a group and several mailboxes: still refused")

	r = send(c, { from = "<relay@lists.example>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("=?UTF-8?Q?B=C3=B6b?= <bob@example.org>") })
	is(r.eom, SMFIR_REPLYCODE, "RFC 2047 display name: still refused")

	r = send(c, { from = "<relay@lists.example>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("<<<not an address") })
	is(r.eom, SMFIR_ACCEPT, "an unparseable From: is accepted, not a crash")
	mt.disconnect(c)
	ok(wait_for(function() return
		sql("SELECT count(*) FROM events WHERE verdict = 'reject' AND matched = 'header-from'") == "3" end, 3),
	   "three refused messages recorded as header-from matches")
end)
