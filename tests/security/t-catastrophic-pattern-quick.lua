-- t-catastrophic-pattern-quick: the daemon under a catastrophic selector
-- (/(a+)+$/) answers at once for addresses that make it backtrack
-- exponentially, in the envelope and in From:, logs the limit hit
-- (pcre2-limit-hits=) and keeps enforcing the pattern where it matches.
dofile(lib)

-- now_ms - wall-clock milliseconds (miltertest has no timer of its own)
local function now_ms()
	return tonumber((sh("date +%s%N"))) // 1000000
end

run(function()
	local id = add("'/(a+)+$/' --action block")
	start()
	local c = connect()
	local r = send(c, { from = "<x@test.ca>", rcpts = { "<alice@staff.example>" } })
	is(r.rcpt[1], SMFIR_REPLYCODE, "the pattern matches a short address ending in a")
	for _, n in ipairs({ 40, 200, 300 }) do
		local a = string.rep("a", n) .. "@test.ca"
		local t0 = now_ms()
		r = send(c, { from = "<" .. a .. ">", rcpts = { "<alice@staff.example>" },
			headers = hdrs(a) })
		local dt = now_ms() - t0
		ok(dt < 2000, n .. " a's in MAIL FROM and From: answered in " .. dt .. " ms")
		is(r.eom, SMFIR_ACCEPT, n .. " a's: the limit hit counts as no match")
	end
	mt.disconnect(c)
	ok(wait_for(function() return log_count("pcre2-limit-hits=") >= 3 end, 5),
		"each limit hit is logged")
	c = connect()
	r = send(c, { from = "<y@test.ca>", rcpts = { "<alice@staff.example>" } })
	is(r.rcpt[1], SMFIR_REPLYCODE, "afterwards the pattern still matches (restriction " .. id .. ")")
	mt.disconnect(c)
end)
