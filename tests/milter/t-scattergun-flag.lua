-- t-scattergun-flag: one person writing to 6 different staff is flagged on
-- the 5th distinct recipient: X-Restriction-Flag appears from the 5th
-- message on and one flags row holds count 5, then 6. Recipients in
-- DetectIgnore and mail with List-Id: do not count as distinct staff;
-- nobody is restricted by a flag (the message is delivered unchanged
-- otherwise).
-- conf: ScatterThreshold 5
-- conf: DetectIgnore enquiries@staff.example
dofile(lib)
run(function()
	start()
	local c = connect()
	local L = lead(c)
	local function to(rcpt, extra)
		return send(c, { from = "<bob@example.org>", rcpts = { "<" .. rcpt .. ">" },
			headers = hdrs("bob@example.org", extra) })
	end
	local function flagged() return mt.eom_check(c, MT_HDRADD, "X-Restriction-Flag") end
	local function row(col)
		return sql("SELECT " .. col .. " FROM flags WHERE person = 'bob@example.org'" ..
			" AND kind = 'scattergun'")
	end
	-- uncounted as distinct staff: an ignored address, a mailing list
	local r = to("enquiries@staff.example")
	is(r.eom, SMFIR_ACCEPT, "DetectIgnore recipient: accepted")
	ok(not flagged(), "DetectIgnore recipient: no flag header")
	to("staff9@staff.example", { { "List-Id", "<news.example.org>" } })
	ok(not flagged(), "List-Id mail: no flag header")
	to("staff8@staff.example", { { "Precedence", "bulk" } })
	to("staff7@staff.example", { { "Auto-Submitted", "auto-replied" } })
	for i = 1, 4 do
		r = to("staff" .. i .. "@staff.example")
		is(r.eom, SMFIR_ACCEPT, "message " .. i .. ": accepted")
		ok(not flagged(), "message " .. i .. " (distinct staff " .. i .. "): no flag header")
	end
	ok(wait_for(function() return sql("SELECT count(*) FROM events WHERE detect = 1") == "5" end, 5),
	   "5 counted events (the DetectIgnore one counts for volume), 3 uncounted")
	is(sql("SELECT count(*) FROM flags"), "0", "no flag below the threshold")
	r = to("staff5@staff.example")
	is(r.eom, SMFIR_ACCEPT, "5th distinct staff: still delivered (a flag never restricts)")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction-Flag", L .. "scattergun; staff=5; window=7d"),
	   "5th distinct staff: X-Restriction-Flag: scattergun; staff=5; window=7d")
	ok(not mt.eom_check(c, MT_HDRADD, "X-Restriction"), "no restriction tag")
	ok(wait_for(function() return row("count") == "5" end, 5), "a flags row with count 5")
	is(row("status"), "open", "the flag is open")
	is(row("threshold") .. "/" .. row("window_secs"), "5/604800", "threshold and window stored")
	is(sql("SELECT json_array_length(recipients) FROM flags"), "5", "5 recipients in the evidence")
	is(sql("SELECT count(*) FROM flags f, json_each(f.recipients) r WHERE r.value IN" ..
		" ('enquiries@staff.example', 'staff9@staff.example', 'staff8@staff.example')"), "0",
	   "ignored and list recipients are not evidence")
	is(sql("SELECT json_array_length(evidence) FROM flags"), "6", "every counted message is evidence")
	r = to("staff6@staff.example")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction-Flag", L .. "scattergun; staff=6; window=7d"),
	   "6th: staff=6")
	ok(wait_for(function() return row("count") == "6" end, 5), "the same row updated to count 6")
	is(sql("SELECT count(*) FROM flags"), "1", "one open flag per person and kind")
	is(sql("SELECT flags FROM events ORDER BY id DESC LIMIT 1"), '["scattergun"]',
	   "the event records the open flag")
	r = to("staff1@staff.example")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction-Flag", L .. "scattergun; staff=6; window=7d"),
	   "a known recipient again: header stays at staff=6")
	r = send(c, { from = "<carol@example.org>", rcpts = { "<staff1@staff.example>" },
		headers = hdrs("carol@example.org") })
	ok(not flagged(), "another person: no flag header")
	mt.disconnect(c)
	local ci = connect("127.0.0.1")
	r = send(ci, { from = "<bob@example.org>", rcpts = { "<staff1@staff.example>" },
		headers = hdrs("bob@example.org") })
	ok(not mt.eom_check(ci, MT_HDRADD, "X-Restriction-Flag"), "internal mail: no flag header")
	mt.disconnect(ci)
end)
