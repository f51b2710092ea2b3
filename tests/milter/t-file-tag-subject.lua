-- t-file-tag-subject: file --mode tag delivers with the tag header and the
-- subject prefix added once; an RFC 2047 subject stays intact behind the
-- prefix; a missing Subject is created.
dofile(lib)
run(function()
	local id = add("bob@example.org --action file")
	start()
	local c = connect()
	local L = lead(c)
	local function msg(subject)
		local h = { { "From", "bob@example.org" }, { "To", "alice@staff.example" } }
		if subject then table.insert(h, { "Subject", L .. subject }) end
		return send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = h })
	end
	local r = msg("Complaint again")
	is(r.eom, SMFIR_ACCEPT, "accepted")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", L .. "file; id=" .. id), "tag header")
	ok(mt.eom_check(c, MT_HDRCHANGE, "Subject", L .. "[Read and file] Complaint again"), "subject prefixed")
	ok(not mt.eom_check(c, MT_RCPTDELETE, "<alice@staff.example>"), "delivered to the recipient")

	r = msg("[Read and file] Complaint again")
	ok(not mt.eom_check(c, MT_HDRCHANGE, "Subject"), "prefix added only once")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction"), "still tagged")

	r = msg("=?UTF-8?B?w4lsw6h2ZQ==?=")
	ok(mt.eom_check(c, MT_HDRCHANGE, "Subject", L .. "[Read and file] =?UTF-8?B?w4lsw6h2ZQ==?="),
	   "encoded-word subject kept intact behind the prefix")

	r = msg(nil)
	ok(mt.eom_check(c, MT_HDRADD, "Subject", L .. "[Read and file]"), "missing Subject created")
	ok(not mt.eom_check(c, MT_HDRCHANGE, "Subject"), "nothing to change when absent")
	mt.disconnect(c)
end)
