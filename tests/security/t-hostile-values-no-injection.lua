-- t-hostile-values-no-injection: hostile display names, subjects, case
-- references, names and reasons (CR, LF, very long, RTL override,
-- <script>) cannot inject headers, SMTP replies or log lines: every value
-- the milter writes has no CR and folds only with LF + TAB, the reply is
-- the stored text with '%' doubled, and every line of the daemon's log is
-- one well-formed line holding none of those values. (The long subject
-- stays under 1 KiB: miltertest 1.6 overflows a stack buffer on longer
-- header changes; fuzz_milter checks longer values.)
-- conf: HeaderDetail full
-- conf: LogLevel debug
dofile(lib)

local CASE = "C-1\r\nBcc: evil-case@attacker.example"
local NAME = "<script>alert('name')</script>\u{202E}gnp.exe"
local REASON = "reason\r\nX-Injected: reason"

-- one_header - a value the MTA would read as exactly one header
local function one_header(v)
	if v == nil then return false end
	if v:find("\r", 1, true) or v:find("\0", 1, true) then return false end
	for pos in v:gmatch("()\n") do
		if v:sub(pos + 1, pos + 1) ~= "\t" then return false end
	end
	for line in (v .. "\n"):gmatch("([^\n]*)\n") do
		if #line > 998 then return false end
	end
	return true
end

run(function()
	local out = restrictctl("add bob@example.org --action file --case " .. q(CASE) .. " --name "
		.. q(NAME) .. " --reason " .. q(REASON) .. " --authorised-by 'Dana Head'")
	local fid = tonumber(out:match("^(%d+)"))
	ok(fid ~= nil, "hostile case, name and reason are stored")
	local _, code = restrictctl("add blk@example.org --action block --message " ..
		q("Go\r\nX-Evil: 1") .. " --reason r --authorised-by 'Dana Head'")
	is(code, 2, "a reject text with CR LF is refused when saved")
	add("blk@example.org --action block --message 'Please write to complaints@staff.example, 100% answered'")
	start()
	local c = connect()
	local L = lead(c)

	-- 1. hostile Subject and display name on file mail: the subject is prefixed
	-- each with the Subject the milter must write (controls become spaces, runs
	-- collapse), or true where only "changed, and one header" is checked
	local subjects = {
		{ "Hi\r\nBcc: evil-subject@attacker.example",
			"[Read and file] Hi Bcc: evil-subject@attacker.example" },
		{ "<script>alert(1)</script> \u{202E}txt.exe",
			"[Read and file] <script>alert(1)</script> \u{202E}txt.exe" },
		{ string.rep("long ", 150) .. "\r\n\r\nX-Body-Injection: 1", true },
		{ "tab\there\nX-Lf-Only: 1", "[Read and file] tab here X-Lf-Only: 1" },
	}
	for i, sw in ipairs(subjects) do
		local s, want = sw[1], sw[2]
		local r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" },
			headers = { { "From", "\"Bob\r\nBcc: evil-from@attacker.example\" <bob@example.org>" },
				{ "To", "alice@staff.example" }, { "Subject", s },
				{ "Message-ID", "<h" .. i .. "@example.org>" } } })
		is(r.eom, SMFIR_ACCEPT, "hostile subject " .. i .. ": file mail accepted")
		if want == true then
			ok(mt.eom_check(c, MT_HDRCHANGE, "Subject"), "hostile subject " .. i .. ": Subject changed")
		else
			ok(mt.eom_check(c, MT_HDRCHANGE, "Subject", L .. want),
				"hostile subject " .. i .. ": the prefixed Subject is one clean line")
		end
		ok(not mt.eom_check(c, MT_HDRADD, "X-Body-Injection") and not mt.eom_check(c, MT_HDRADD, "X-Lf-Only"),
			"hostile subject " .. i .. ": no header injected through the Subject")
		local tag = mt.getheader(c, "X-Restriction", 0)
		ok(one_header(tag), "hostile subject " .. i .. ": X-Restriction is one header")
		ok(tag ~= nil and tag:find("id=" .. fid, 1, true) ~= nil,
			"hostile subject " .. i .. ": X-Restriction names the restriction")
		ok(tag ~= nil and not tag:find("\r", 1, true) and not tag:find("\nBcc", 1, true),
			"hostile subject " .. i .. ": the case reference cannot start a header")
		ok(not mt.eom_check(c, MT_HDRADD, "Bcc"), "hostile subject " .. i .. ": no Bcc header added")
		ok(not mt.eom_check(c, MT_RCPTADD, "<evil-subject@attacker.example>")
			and not mt.eom_check(c, MT_RCPTADD, "<evil-from@attacker.example>")
			and not mt.eom_check(c, MT_RCPTADD, "<evil-case@attacker.example>"),
			"hostile subject " .. i .. ": no recipient added from a value")
	end

	-- 1b. a hostile Message-ID comes back in the next repeat's novelty header
	local LETTER = "Dear Sir or Madam,\r\n\r\nI am writing again about the broken street light " ..
		"outside number 14 Elm Road. It has not worked since October and the pavement is dark " ..
		"in the evenings. I reported the fault twice and nobody has come to repair it. I expect " ..
		"the council to fix the light without further delay.\r\n\r\nYours faithfully,\r\nBob\r\n"
	local HOSTILE_MID = "<first\r\nBcc: evil-mid@attacker.example\r\n" .. string.rep("x", 300) .. "@example.org>"
	for i, mid in ipairs({ HOSTILE_MID, "<second@example.org>" }) do
		local r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" },
			headers = { { "From", "bob@example.org" }, { "Subject", "Street light" },
				{ "Content-Type", "text/plain; charset=utf-8" }, { "Message-ID", mid } },
			body = LETTER })
		is(r.eom, SMFIR_ACCEPT, "novelty message " .. i .. " accepted")
	end
	local nov = mt.getheader(c, "X-Restriction-Novelty", 0)
	ok(nov ~= nil and nov:find("repeat", 1, true) ~= nil, "the resent letter is a repeat")
	mt.echo("# novelty: " .. tostring(nov):gsub("\n", "\\n"):sub(1, 200))
	ok(one_header(nov), "the novelty header naming the hostile Message-ID is one header")
	ok(not mt.eom_check(c, MT_HDRADD, "Bcc"), "no Bcc header from the Message-ID")

	-- 2. a refusal: the stored text, '%' doubled for libmilter, nothing from mail
	local r = send(c, { from = "<blk@example.org>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("\"x\r\n550 injected\" <blk@example.org>") })
	is(r.rcpt[1], SMFIR_REPLYCODE, "block: refused at RCPT")
	r = send(c, { from = "<someone@example.net>", rcpts = { "<alice@staff.example>" },
		headers = { { "From", "\"Evil\r\n250 ok\" <blk@example.org>" },
			{ "Subject", "x\r\n250 2.0.0 accepted" } } })
	is(r.eom, SMFIR_REPLYCODE, "block by header From: refused at end of message")
	ok(mt.eom_check(c, MT_SMTPREPLY, "550", "5.7.1",
		"Please write to complaints@staff.example, 100%% answered"),
		"block: the reply is the stored text with % doubled, nothing from mail")
	mt.disconnect(c)

	-- 3. the log: one well-formed line each, none of the hostile values
	local f = io.open(tmp .. "/milter.log")
	local lines, bad, leaked = 0, 0, 0
	for line in f:lines() do
		lines = lines + 1
		if not line:match("^restrict%-milter[^:]*: [a-z]+: ") or line:find("[%c]") then
			bad = bad + 1
			mt.echo("#   odd log line: " .. line)
		end
		for _, s in ipairs({ "attacker.example", "script", "X-Injected", "Bcc", "injected",
				"\u{202E}", "long long", "accepted" }) do
			if line:find(s, 1, true) then
				leaked = leaked + 1
				mt.echo("#   log line holds " .. s .. ": " .. line)
			end
		end
	end
	f:close()
	ok(lines > 0, "the daemon logged (" .. lines .. " lines)")
	is(bad, 0, "every log line is one well-formed line")
	is(leaked, 0, "no name, case, reason, subject or header value in the log")
end)
