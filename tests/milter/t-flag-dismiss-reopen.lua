-- t-flag-dismiss-reopen: `restrictctl flag ID --dismiss` takes the flag
-- header off the person's mail within a second; the flag reopens (a new
-- row) only when the count reaches the threshold again with messages
-- after the dismissal, never from the burst that was dismissed.
-- conf: ScatterThreshold 5
dofile(lib)
run(function()
	start()
	local c = connect()
	local L = lead(c)
	local function to(i)
		return send(c, { from = "<bob@example.org>", rcpts = { "<staff" .. i .. "@staff.example>" },
			headers = hdrs("bob@example.org") })
	end
	local function flagged() return mt.eom_check(c, MT_HDRADD, "X-Restriction-Flag") end
	for i = 1, 5 do to(i) end
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction-Flag", L .. "scattergun; staff=5; window=7d"), "flagged on the 5th")
	ok(wait_for(function() return sql("SELECT count(*) FROM flags") == "1" end, 5), "flag row written")
	local fid = sql("SELECT id FROM flags")
	local out, code = restrictctl("flag " .. fid .. " --dismiss --by 'Dana Head'")
	is(code, 0, "restrictctl flag --dismiss")
	is(sql("SELECT status || ' ' || decided_by FROM flags WHERE id = " .. fid), "dismissed Dana Head",
	   "the flag is dismissed, with who")
	mt.sleep(1.0)
	to(6)
	ok(not flagged(), "one second later: no flag header (the dismissed burst cannot reopen it)")
	for i = 1, 3 do
		to(i)
		ok(not flagged(), "after the dismissal, distinct staff " .. (i + 1) .. ": no flag")
	end
	to(4)
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction-Flag", L .. "scattergun; staff=5; window=7d"),
	   "the 5th distinct staff after the dismissal: reopened")
	ok(wait_for(function() return sql("SELECT count(*) FROM flags") == "2" end, 5), "a new flag row")
	is(sql("SELECT group_concat(status, ',') FROM (SELECT status FROM flags ORDER BY id)"), "dismissed,open",
	   "the dismissed flag stays as it was; the new one is open")
	is(sql("SELECT count FROM flags WHERE status = 'open'"), "5", "the new flag counts only after the dismissal")
	out, code = restrictctl("flag " .. fid .. " --dismiss --by 'Dana Head'")
	is(code, 1, "dismissing a dismissed flag: exit 1")
	local nid = sql("SELECT id FROM flags WHERE status = 'open'")
	out, code = restrictctl("flag " .. nid .. " --escalate --by 'Dana Head'")
	is(code, 0, "escalate the new flag")
	mt.sleep(1.0)
	to(5)
	ok(flagged(), "an escalated flag keeps the header")
	mt.disconnect(c)
end)
