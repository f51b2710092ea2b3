-- t-tcp-answers-data: over a TCP socket the DATA step is negotiated and
-- answered at once (Postfix leaves Nagle on, so without a reply to the
-- DATA macros its next write would wait for our delayed ACK: 40 ms a
-- message); everything else is negotiated as over a unix socket
-- (t-protocol-negotiation), and restrictions apply the same. The daemon
-- also exits 0 on SIGTERM over TCP (it once reported failure there).
dofile(lib)
run(function()
	local out = sh("python3 -c 'import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'")
	local port = tonumber(out:match("(%d+)"))
	if port == nil then error("no free port: " .. out) end
	local tcp = "inet:" .. port .. "@127.0.0.1"
	local id = add("bob@example.org --action block")
	start("-p", tcp)
	local c = connect(nil, true, tcp)
	ok(not mt.test_option(c, SMFIP_NODATA), "over TCP the DATA step is negotiated")
	ok(not mt.test_option(c, SMFIP_NR_DATA), "and answered")
	for _, s in ipairs({ { SMFIP_NOHELO, "NOHELO" }, { SMFIP_NOUNKNOWN, "NOUNKNOWN" },
			{ SMFIP_SKIP, "SKIP" }, { SMFIP_NOEOH, "NOEOH" }, { SMFIP_NR_HDR, "NR_HDR" },
			{ SMFIP_NR_CONN, "NR_CONN" } }) do
		ok(mt.test_option(c, s[1]), "as over a unix socket: " .. s[2])
	end
	ok(not mt.test_option(c, SMFIP_NR_RCPT), "never SMFIP_NR_RCPT")

	-- the DATA reply by hand, then the rest of the message
	mt.macro(c, SMFIC_MAIL, "i", "QIDTCP1")
	must(mt.mailfrom(c, "<a@example.net>"), "mailfrom")
	is(mt.getreply(c), SMFIR_CONTINUE, "MAIL FROM")
	must(mt.rcptto(c, "<alice@staff.example>"), "rcptto")
	is(mt.getreply(c), SMFIR_CONTINUE, "RCPT TO")
	must(mt.data(c), "data")
	is(mt.getreply(c), SMFIR_CONTINUE, "DATA is answered CONTINUE")
	for _, h in ipairs(hdrs("a@example.net")) do must(mt.header(c, h[1], h[2]), "header") end
	must(mt.bodystring(c, "Hello.\r\n"), "body")
	is(mt.getreply(c), SMFIR_SKIP, "body SKIP")
	must(mt.eom(c), "eom")
	is(mt.getreply(c), SMFIR_ACCEPT, "an unrestricted message accepted over TCP")

	local r = send(c, { from = "<bob@example.org>",
		rcpts = { "<alice@staff.example>", "<complaints@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_REPLYCODE, "a blocked sender refused at RCPT over TCP")
	is(r.eom, SMFIR_ACCEPT, "the exempt recipient accepted")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", lead(c) .. "block; id=" .. id), "and tagged")
	mt.disconnect(c)
end)
