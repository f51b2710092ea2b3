-- t-protocol-negotiation: only the steps and actions used are negotiated;
-- never SMFIP_NR_RCPT (it would turn RCPT refusals into accepts); MAIL FROM,
-- which never refuses, is not answered; an MTA without the needed actions
-- is refused. The
-- body step is taken, answered SKIP at once for mail no file or limit
-- restriction applies to.
dofile(lib)
run(function()
	start()
	local c = connect(nil, true)
	ok(not mt.test_option(c, SMFIP_NR_RCPT), "never SMFIP_NR_RCPT")
	ok(not mt.test_option(c, SMFIP_NR_EOH) or mt.test_option(c, SMFIP_NOEOH), "no EOH step at all")
	for _, s in ipairs({ { SMFIP_NOHELO, "NOHELO" }, { SMFIP_NOUNKNOWN, "NOUNKNOWN" },
			{ SMFIP_NODATA, "NODATA" }, { SMFIP_SKIP, "SKIP" }, { SMFIP_NOEOH, "NOEOH" },
			{ SMFIP_NR_HDR, "NR_HDR" }, { SMFIP_NR_CONN, "NR_CONN" }, { SMFIP_NR_MAIL, "NR_MAIL" },
			{ SMFIP_HDR_LEADSPC, "HDR_LEADSPC" } }) do
		ok(mt.test_option(c, s[1]), "step negotiated: " .. s[2])
	end
	ok(not mt.test_option(c, SMFIP_NOHDRS), "headers are needed")
	ok(not mt.test_option(c, SMFIP_NOBODY), "the body step is taken (novelty of file and limit mail)")
	ok(not mt.test_option(c, SMFIP_NR_BODY), "body chunks are answered (so SKIP can end them)")
	ok(not mt.test_option(c, SMFIP_NORCPT) and not mt.test_option(c, SMFIP_NOMAIL), "MAIL and RCPT are needed")
	for _, a in ipairs({ { SMFIF_ADDHDRS, "ADDHDRS" }, { SMFIF_CHGHDRS, "CHGHDRS" }, { SMFIF_ADDRCPT, "ADDRCPT" },
			{ SMFIF_ADDRCPT_PAR, "ADDRCPT_PAR" }, { SMFIF_DELRCPT, "DELRCPT" },
			{ SMFIF_QUARANTINE, "QUARANTINE" } }) do
		ok(mt.test_action(c, a[1]), "action negotiated: " .. a[2])
	end
	ok(not mt.test_action(c, SMFIF_CHGBODY), "no CHGBODY")
	ok(not mt.test_action(c, SMFIF_CHGFROM), "no CHGFROM")
	local r0 = send(c, { from = "<a@example.net>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("a@example.net") })
	is(r0.body, SMFIR_SKIP, "no file or limit restriction: the first body chunk is answered SKIP")
	is(r0.eom, SMFIR_ACCEPT, "and the message accepted")
	mt.disconnect(c)

	-- an MTA offering no NR steps and no HDR_LEADSPC: headers are answered, values unspaced
	local c2 = mt.connect(sock, 100, 0.05)
	-- miltertest's order is (conn, version, steps, actions)
	must(mt.negotiate(c2, 6, SMFIP_NOHELO + SMFIP_NODATA + SMFIP_NOBODY,
		SMFIF_ADDHDRS + SMFIF_CHGHDRS + SMFIF_ADDRCPT + SMFIF_DELRCPT + SMFIF_QUARANTINE),
		"negotiate (limited)")
	ok(not mt.test_option(c2, SMFIP_NR_HDR), "NR_HDR not requested when not offered")
	ok(not mt.test_option(c2, SMFIP_NR_MAIL), "NR_MAIL not requested when not offered")
	ok(not mt.test_option(c2, SMFIP_HDR_LEADSPC), "HDR_LEADSPC not requested when not offered")
	ok(not mt.test_action(c2, SMFIF_ADDRCPT_PAR), "ADDRCPT_PAR not requested when not offered")
	must(mt.conninfo(c2, "client.example", "192.0.2.10"), "conninfo")
	local r = send(c2, { from = "<a@example.net>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("a@example.net") })
	is(r.mail, SMFIR_CONTINUE, "MAIL FROM answered when the MTA expects a reply")
	is(r.eom, SMFIR_ACCEPT, "a message through the limited negotiation")
	mt.disconnect(c2)

	local c3 = mt.connect(sock, 100, 0.05)
	local err = mt.negotiate(c3, 6, SMFIP_NOHELO, SMFIF_ADDHDRS)
	ok(err ~= nil or mt.conninfo(c3, "client.example", "192.0.2.10") ~= nil or mt.getreply(c3) ~= SMFIR_CONTINUE,
	   "an MTA without the needed actions is refused")
end)
