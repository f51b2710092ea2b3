-- t-limit-two-connections: counting is atomic across connections: two
-- interleaved messages from one person under limit 1 cannot both pass.
dofile(lib)
run(function()
	add("bob@example.org --action limit --limit 1/1d --over reject")
	start()
	local a, b = connect(), connect()
	local function begin(c)
		mt.macro(c, SMFIC_MAIL, "i", "Q" .. tostring(c):sub(-6))
		must(mt.mailfrom(c, "<relay@lists.example>"), "mailfrom")
		must(mt.rcptto(c, "<alice@staff.example>"), "rcptto")
		if not mt.test_option(c, SMFIP_NODATA) then must(mt.data(c), "data") end
	end
	local function finish(c, mid)
		must(mt.header(c, "From", "bob@example.org"), "From")
		must(mt.header(c, "Message-ID", mid), "Message-ID")
		if not mt.test_option(c, SMFIP_NOEOH) then must(mt.eoh(c), "eoh") end
		must(mt.eom(c), "eom")
		return mt.getreply(c)
	end
	begin(a)
	begin(b)
	local ra = finish(a, "<one@x>")
	local rb = finish(b, "<two@x>")
	is(ra, SMFIR_ACCEPT, "first connection's message accepted")
	is(rb, SMFIR_REPLYCODE, "second connection's message refused: the first already counted")
	mt.disconnect(a)
	mt.disconnect(b)
end)
