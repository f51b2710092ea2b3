-- events-mail.lua - real mail through restrict-milter for tests/cli/events-status.sh.
--
-- -D batch=1 or 2 picks the messages; the clock is the caller's
-- RESTRICT_MILTER_NOW. Ends once the milter has written every event, so
-- the shell test reads a complete event log. Batch 2 also saves
-- `restrictctl status --json` while the milter runs, to $tmp/status-running.json.
dofile(lib)
run(function()
	start()
	local c = connect()
	local want
	if batch == "1" then
		-- refused at RCPT before a queue id exists: NOQUEUE
		send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, qid = false })
		send(c, { from = "<carol@example.org>", rcpts = { "<alice@staff.example>" }, qid = "QFILE1",
			headers = { { "From", "carol@example.org" }, { "Subject", "Again" },
				{ "Message-ID", "<file1@example.org>" } } })
		want = "2"
	else
		send(c, { from = "<dave@example.org>", rcpts = { "<ceo@staff.example>" }, qid = "QREDIR",
			headers = hdrs("dave@example.org") })
		send(c, { from = "<trial@example.org>", rcpts = { "<alice@staff.example>" }, qid = "QTRIAL",
			headers = hdrs("trial@example.org") })
		send(c, { from = "<erin@example.net>", rcpts = { "<alice@staff.example>" }, qid = "QPLAIN",
			headers = hdrs("erin@example.net") })
		mt.disconnect(c)
		c = connect("127.0.0.1")
		send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, qid = "QINT",
			headers = hdrs("bob@example.org") })
		want = "6"
	end
	mt.disconnect(c)
	ok(wait_for(function() return sql("SELECT count(*) FROM events") == want end, 5),
	   "batch " .. batch .. ": " .. want .. " events written")
	if batch == "2" then
		local out, code = restrictctl("status --json")
		local f = io.open(tmp .. "/status-running.json", "w")
		f:write(out)
		f:close()
		is(code, 0, "status while the milter runs")
	end
end)
