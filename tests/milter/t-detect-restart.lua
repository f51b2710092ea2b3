-- t-detect-restart: counts survive a restart. Three distinct staff before
-- the milter is stopped, two after it is started again: the flag opens on
-- the 5th distinct recipient overall, because the counters are rebuilt
-- from the event log at start (events with detect = 1, staff column).
-- conf: ScatterThreshold 5
dofile(lib)
run(function()
	local id = add("bob@example.org --action watch")
	start()
	local c = connect()
	local function to(conn, i)
		return send(conn, { from = "<bob@example.org>", rcpts = { "<staff" .. i .. "@staff.example>" },
			headers = hdrs("bob@example.org") })
	end
	for i = 1, 3 do
		to(c, i)
		ok(not mt.eom_check(c, MT_HDRADD, "X-Restriction-Flag"), "before the restart, staff " .. i .. ": no flag")
	end
	mt.disconnect(c)
	ok(wait_for(function() return sql("SELECT count(*) FROM events WHERE detect = 1") == "3" end, 5),
	   "3 counted events written")
	is(sql("SELECT staff FROM events ORDER BY id LIMIT 1"), '["staff1@staff.example"]', "staff column")
	local pid = sh("cat " .. q(tmp .. "/milter.pid")):gsub("%s+", "")
	sh("kill -TERM " .. pid)
	ok(wait_for(function() return log_count("restrict-milter stopped") == 1 end, 10), "the milter stopped")
	sh(q(daemon) .. " -f -c " .. q(conf) .. " </dev/null >/dev/null 2>>" .. q(tmp .. "/milter2.log") .. " &")
	local f = nil
	ok(wait_for(function()
		local h = io.open(tmp .. "/milter2.log")
		if h == nil then return false end
		local s = h:read("a")
		h:close()
		f = s:match("detection: (%d+) people replayed from the event log in (%d+) ms")
		return s:find("started", 1, true) ~= nil
	end, 10), "a new milter started")
	is(f, "1", "one person replayed from the event log")
	local c2 = connect()
	to(c2, 4)
	ok(not mt.eom_check(c2, MT_HDRADD, "X-Restriction-Flag"), "after the restart, staff 4 (4th overall): no flag")
	to(c2, 5)
	ok(mt.eom_check(c2, MT_HDRADD, "X-Restriction-Flag", lead(c2) .. "scattergun; staff=5; window=7d"),
	   "staff 5 (5th overall): flagged")
	ok(mt.eom_check(c2, MT_HDRADD, "X-Restriction", lead(c2) .. "watch; id=" .. id), "still tagged by its restriction")
	ok(wait_for(function() return sql("SELECT person || ' ' || user_id || ' ' || count FROM flags") ==
		"user:1 1 5" end, 5), "the flag row is the service user's (user:1), count 5")
	is(sql("SELECT json_array_length(recipients) FROM flags"), "5", "its evidence spans the restart")
	mt.disconnect(c2)
end)
