-- t-forged-headers-removed: every inbound header starting with HeaderPrefix,
-- in any case and repeated, is removed (each name from its highest index
-- down) before ours are added, restricted or not.
dofile(lib)
run(function()
	local id = add("bob@example.org --action watch")
	start()
	local c = connect()
	local L = lead(c)
	local forged = { { "X-Restriction", "file; id=999" }, { "x-restriction", "forged" },
		{ "X-RESTRICTION-Flag", "volume" }, { "X-Restriction-Original-Recipients", "boss@staff.example" },
		{ "X-Restrictions-Other", "also ours by prefix" } }
	local r = send(c, { from = "<someone@example.net>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("someone@example.net", forged) })
	is(r.eom, SMFIR_ACCEPT, "unrestricted mail accepted")
	ok(mt.eom_check(c, MT_HDRDELETE, "X-Restriction"), "X-Restriction removed")
	ok(mt.eom_check(c, MT_HDRDELETE, "X-RESTRICTION-Flag"), "odd-case flag header removed")
	ok(mt.eom_check(c, MT_HDRDELETE, "X-Restriction-Original-Recipients"), "original-recipients header removed")
	ok(mt.eom_check(c, MT_HDRDELETE, "X-Restrictions-Other"), "prefixed name removed")
	ok(not mt.eom_check(c, MT_HDRADD, "X-Restriction"), "nothing added for unrestricted mail")
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("bob@example.org", forged) })
	ok(mt.eom_check(c, MT_HDRDELETE, "X-Restriction"), "restricted: forged removed")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", L .. "watch; id=" .. id), "restricted: ours added")
	r = send(c, { from = "<someone@example.net>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("someone@example.net", { { "Subject", "x-restriction: not a header" } }) })
	ok(not mt.eom_check(c, MT_HDRDELETE), "a clean message loses nothing")
	mt.disconnect(c)
end)
