-- t-detect-ignore-senders: DetectIgnoreSenders leaves a sender out of
-- detection whether it is the envelope sender or the first From: mailbox,
-- compared after normalisation (case, subaddress, display name), exactly
-- as the end-of-message decision normalised them; everyone else's mail
-- still counts. Checked in the event log's detect column.
-- conf: DetectIgnoreSenders newsletter@example.org
dofile(lib)
run(function()
	start()
	local c = connect()
	local function mail(env, from, rcpt)
		return send(c, { from = env, rcpts = { "<" .. rcpt .. "@staff.example>" },
			headers = hdrs(from) })
	end
	local function counted(n)
		return wait_for(function()
			return sql("SELECT count(*) FROM events") == tostring(n)
		end, 5) and sql("SELECT group_concat(detect, '') FROM (SELECT detect FROM events" ..
			" ORDER BY id)")
	end
	local r = mail("<alice@example.org>", "News <Newsletter+weekly@Example.ORG>", "staff1")
	is(r.eom, SMFIR_ACCEPT, "ignored From: accepted")
	is(counted(1), "0", "an ignored From: mailbox (display name, case, subaddress) is not counted")
	mail("<NEWSLETTER@example.org>", "alice@example.org", "staff2")
	is(counted(2), "00", "an ignored envelope sender is not counted")
	mail("<alice@example.org>", "alice@example.org, newsletter@example.org", "staff3")
	is(counted(3), "001", "an ignored address that is not the first From: mailbox: counted")
	mail("<alice@example.org>", "Alice <alice@example.org>", "staff4")
	is(counted(4), "0011", "anyone else: counted")
	mt.disconnect(c)
end)
