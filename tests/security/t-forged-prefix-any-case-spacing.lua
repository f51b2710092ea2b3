-- t-forged-prefix-any-case-spacing: forged HeaderPrefix headers are
-- removed whatever their case or spacing and however often they repeat,
-- on restricted, unrestricted and internal mail alike, and with a
-- configured HeaderPrefix only that prefix is ours. (The plain cases are
-- in tests/milter/t-forged-headers-removed.lua; fuzz_milter checks the
-- removal indexes against a simulated MTA.)
-- conf: HeaderPrefix X-Office-Tag
dofile(lib)

local FORGED = {
	{ "X-Office-Tag", "file; id=1" }, { "x-office-tag", "two" }, { "X-OFFICE-TAG", "three" },
	{ "X-Office-Tag", "four" }, { "x-OfFiCe-TaG-Flag", "volume; messages=99" },
	{ "X-Office-Tag ", "trailing space in the name" }, { "X-Office-Tag\t", "trailing tab" },
	{ "X-Office-Tagged", "longer name, same prefix" },
	{ "X-Office-Tag-Original-Recipients", "boss@staff.example" },
	{ "X-Office-Tag-Original-Recipients", "boss2@staff.example" },
}

-- removed_all - every forged name was asked to be removed. Names equal but
-- for case are one header name to the MTA: removed (by index, all four
-- X-Office-Tag of any case) under the first spelling seen.
local function removed_all(c, what)
	local seen = {}
	for _, h in ipairs(FORGED) do
		if not seen[h[1]:lower()] then
			seen[h[1]:lower()] = true
			ok(mt.eom_check(c, MT_HDRDELETE, h[1]), what .. ": " .. q(h[1]) .. " removed")
		end
	end
end

run(function()
	local id = add("bob@example.org --action watch")
	start()
	local c = connect()
	local L = lead(c)
	local r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("bob@example.org", FORGED) })
	is(r.eom, SMFIR_ACCEPT, "restricted: accepted")
	removed_all(c, "restricted")
	ok(mt.eom_check(c, MT_HDRADD, "X-Office-Tag", L .. "watch; id=" .. id), "restricted: ours added")

	r = send(c, { from = "<someone@example.net>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("someone@example.net", FORGED) })
	is(r.eom, SMFIR_ACCEPT, "unrestricted: accepted")
	removed_all(c, "unrestricted")
	ok(not mt.eom_check(c, MT_HDRADD), "unrestricted: nothing added")

	r = send(c, { from = "<someone@example.net>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("someone@example.net", { { "X-Restriction", "not ours under this prefix" },
			{ "X-Office", "shorter than the prefix" }, { "Old-X-Office-Tag", "prefix not at the start" } }) })
	is(r.eom, SMFIR_ACCEPT, "other names: accepted")
	ok(not mt.eom_check(c, MT_HDRDELETE), "other names: nothing removed")
	mt.disconnect(c)

	c = connect("127.0.0.1")
	r = send(c, { from = "<staff@staff.example>", rcpts = { "<someone@example.net>" },
		headers = hdrs("staff@staff.example", FORGED) })
	is(r.eom, SMFIR_ACCEPT, "internal: accepted")
	removed_all(c, "internal")
	mt.disconnect(c)
end)
