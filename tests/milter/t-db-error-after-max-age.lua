-- t-db-error-after-max-age: when the store cannot be read the last good
-- snapshot is enforced for SnapshotMaxAge, then OnDatabaseError answers
-- (tempfail here, at each RCPT: MAIL FROM is never answered; accept in a
-- second daemon); the database is reopened
-- when the file is replaced; a newer schema keeps the snapshot, logged once.
-- conf: SnapshotMaxAge 2s
-- conf: OnDatabaseError tempfail
dofile(lib)
run(function()
	add("bob@example.org --action block")
	-- a second daemon, OnDatabaseError accept, on its own socket
	local conf2, sock2 = tmp .. "/accept.conf", "unix:" .. tmp .. "/accept.sock"
	sh("sed -e 's|^Socket .*|Socket " .. sock2 .. "|' -e 's|^PidFile .*|PidFile " .. tmp ..
	   "/extra.pid|' -e 's|^OnDatabaseError .*|OnDatabaseError accept|' " .. q(conf) .. " > " .. q(conf2))
	sh(q(daemon) .. " -f -c " .. q(conf2) .. " </dev/null >/dev/null 2>>" .. q(tmp .. "/accept.log") .. " &")
	start()
	local c = connect()
	local r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" } })
	is(r.rcpt[1], SMFIR_REPLYCODE, "healthy: refused")
	sh("cp " .. q(db) .. " " .. q(db .. ".good") .. " && printf 'not a database%.0s' $(seq 300) > " ..
	   q(db .. ".bad") .. " && mv " .. q(db .. ".bad") .. " " .. q(db))
	mt.sleep(0.5)
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" } })
	is(r.rcpt[1], SMFIR_REPLYCODE, "store unreadable, snapshot younger than SnapshotMaxAge: still enforced")
	ok(log_count("enforcing the last good snapshot") == 1, "failure logged once")
	mt.sleep(2.2)
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" } })
	is(r.mail, SMFIR_CONTINUE, "older than SnapshotMaxAge: MAIL FROM not answered (SMFIP_NR_MAIL)")
	is(r.rcpt[1], SMFIR_REPLYCODE, "OnDatabaseError tempfail: the restricted sender's RCPT tempfailed")
	r = send(c, { from = "<anyone@example.net>", rcpts = { "<alice@staff.example>", "<bob@staff.example>" } })
	is(r.rcpt[1], SMFIR_REPLYCODE, "OnDatabaseError tempfail: anyone's RCPT tempfailed")
	is(r.rcpt[2], SMFIR_REPLYCODE, "OnDatabaseError tempfail: every RCPT of the message")
	is(r.eom, nil, "OnDatabaseError tempfail: no recipient left, no end of message")
	ok(log_count("verdict=tempfail database=unavailable") == 2, "one log line per tempfailed message")
	local c2 = mt.connect(sock2, 100, 0.05)
	must(mt.conninfo(c2, "client.example", "192.0.2.10"), "conninfo 2")
	r = send(c2, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("bob@example.org", { { "X-Restriction", "forged" } }) })
	is(r.rcpt[1], SMFIR_CONTINUE, "OnDatabaseError accept: accepted without restrictions")
	is(r.eom, SMFIR_ACCEPT, "OnDatabaseError accept: delivered")
	ok(mt.eom_check(c2, MT_HDRDELETE, "X-Restriction"), "OnDatabaseError accept: forged headers still removed")
	mt.disconnect(c2)
	local ci = connect("127.0.0.1")
	r = send(ci, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.eom, SMFIR_ACCEPT, "internal mail needs no store: accepted")
	mt.disconnect(ci)
	sh("mv " .. q(db .. ".good") .. " " .. q(db))
	mt.sleep(1.0)
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" } })
	is(r.rcpt[1], SMFIR_REPLYCODE, "file replaced by a good one: reopened and enforced again")
	ok(log_count("readable again") == 1, "recovery logged")
	sql("PRAGMA user_version = 99; UPDATE meta SET value = value + 1 WHERE key = 'generation'")
	mt.sleep(1.0)
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" } })
	is(r.rcpt[1], SMFIR_REPLYCODE, "newer schema: the current snapshot is kept")
	mt.sleep(1.0)
	is(log_count("schema is newer"), 1, "newer schema logged once")
	mt.disconnect(c)
end)
