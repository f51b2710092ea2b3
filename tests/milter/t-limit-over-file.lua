-- t-limit-over-file: limit N/PERIOD accepts N messages per person (all
-- their addresses); the one over gets file --mode tag (subject prefix). A
-- Message-ID counts once however often it comes.
dofile(lib)
run(function()
	local id = add("bob@example.org bob@home.example --action limit --limit 2/1d")
	start()
	local c = connect()
	local L = lead(c)
	local function msg(from, mid)
		return send(c, { from = "<" .. from .. ">", rcpts = { "<alice@staff.example>" },
			headers = { { "From", from }, { "Subject", L .. "Hi" }, { "Message-ID", L .. mid } } })
	end
	msg("bob@example.org", "<a@x>")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", L .. "limit; id=" .. id), "first: tagged")
	ok(not mt.eom_check(c, MT_HDRCHANGE, "Subject"), "first: within the limit")
	msg("bob@home.example", "<b@x>")
	ok(not mt.eom_check(c, MT_HDRCHANGE, "Subject"), "second (other address, same person): within")
	msg("bob@example.org", "<a@x>")
	ok(not mt.eom_check(c, MT_HDRCHANGE, "Subject"), "first Message-ID again: counted once, still within")
	local r = msg("bob@example.org", "<c@x>")
	is(r.eom, SMFIR_ACCEPT, "third message accepted")
	ok(mt.eom_check(c, MT_HDRCHANGE, "Subject", L .. "[Read and file] Hi"), "third: over, filed with the prefix")
	mt.disconnect(c)
	ok(wait_for(function() return sql("SELECT count(*) FROM events WHERE over_limit = 1") == "1" end, 3),
	   "one over-limit event")
	is(sql("SELECT count(*) FROM events WHERE counted_users IS NOT NULL"), "4",
	   "each accepted message recorded as counted")
end)
