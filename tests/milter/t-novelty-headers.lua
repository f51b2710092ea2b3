-- t-novelty-headers: file mail carries X-Restriction-Novelty. The first
-- complaint is "new"; the same complaint resent (reflowed, quoted reply
-- below) is "repeat; score=1.00; similar=<the first's Message-ID>"; the
-- complaint with one added sentence stating a new fact is "new". The
-- history survives a restart (fingerprints table). Mail without a file or
-- limit restriction has its body skipped and no novelty header.
dofile(lib)
local LETTER = "Dear Sir or Madam,\r\n\r\n" ..
	"I am writing again about the broken street light outside number 14 Elm Road.\r\n" ..
	"It has not worked since the beginning of October and the pavement is completely\r\n" ..
	"dark in the evenings. My neighbour slipped on the wet leaves last week and I am\r\n" ..
	"worried that somebody will be seriously hurt. I reported the fault on your website\r\n" ..
	"twice and telephoned the contact centre, but nobody has come to repair it and I\r\n" ..
	"have not received any reference number or reply. I expect the council to fix the\r\n" ..
	"light without further delay and to explain why my reports were ignored.\r\n\r\n" ..
	"Yours faithfully,\r\nBob Example\r\n"
local REFLOWED = "Dear Sir or Madam,\r\n\r\nI am writing again about the broken street light " ..
	"outside number 14 Elm Road. It has not worked since the beginning of October and the " ..
	"pavement is completely dark in the evenings.\r\nMy neighbour slipped on the wet leaves " ..
	"last week and I am worried that somebody will be seriously hurt. I reported the fault on " ..
	"your website twice and telephoned the contact centre, but nobody has come to repair it " ..
	"and I have not received any reference number or reply. I expect the council to fix the " ..
	"light without further delay and to explain why my reports were ignored.\r\n\r\n" ..
	"Regards,\r\nBob\r\n\r\nOn Monday, Records wrote:\r\n> We have received your message.\r\n"
local NEWFACT = LETTER:gsub("I expect the council",
	"Yesterday evening my daughter tripped over the kerb there and broke her wrist. I expect the council")
run(function()
	local id = add("bob@example.org --action file")
	start()
	local c = connect()
	local L = lead(c)
	local function complaint(body, mid)
		local h = hdrs("bob@example.org", { { "Content-Type", "text/plain; charset=utf-8" } })
		h[4][2] = mid
		return send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" },
			headers = h, body = body })
	end
	local function novelty(v) return mt.eom_check(c, MT_HDRADD, "X-Restriction-Novelty", L .. v) end
	local r = complaint(LETTER, "<first@example.org>")
	is(r.body, SMFIR_CONTINUE, "file mail: the body is read")
	is(r.eom, SMFIR_ACCEPT, "accepted")
	ok(mt.eom_check(c, MT_HDRADD, "X-Restriction", L .. "file; id=" .. id), "tagged")
	ok(novelty("new"), "the first complaint: new")
	r = complaint(REFLOWED, "<second@example.org>")
	ok(novelty("repeat; score=1.00; similar=<first@example.org>"),
	   "resent, reflowed, with a quoted reply: repeat; score=1.00; similar=<first@example.org>")
	r = complaint(NEWFACT, "<third@example.org>")
	ok(novelty("new"), "one added sentence stating a new fact: new")
	ok(wait_for(function() return sql("SELECT count(*) FROM fingerprints WHERE person = 'user:1'") == "3" end, 5),
	   "3 fingerprints kept for the person")
	is(sql("SELECT group_concat(novelty || ':' || printf('%.2f', novelty_score), ',') FROM events"),
	   "new:0.00,repeat:1.00,new:" .. sql("SELECT printf('%.2f', novelty_score) FROM events WHERE id = 3"),
	   "events record novelty and score")
	is(sql("SELECT effects FROM events WHERE id = 1"), '[{"id":' .. id .. ',"effect":"file"}]',
	   "events record each restriction's effect")
	-- mail without a file or limit restriction: body skipped, no novelty header
	r = send(c, { from = "<carol@example.org>", rcpts = { "<alice@staff.example>" },
		headers = hdrs("carol@example.org"), body = LETTER })
	is(r.body, SMFIR_SKIP, "no file or limit restriction: the body is skipped")
	ok(not mt.eom_check(c, MT_HDRADD, "X-Restriction-Novelty"), "and no novelty header")
	mt.disconnect(c)

	local pid = sh("cat " .. q(tmp .. "/milter.pid")):gsub("%s+", "")
	sh("kill -TERM " .. pid)
	ok(wait_for(function() return log_count("restrict-milter stopped") == 1 end, 10), "the milter stopped")
	sh(q(daemon) .. " -f -c " .. q(conf) .. " </dev/null >/dev/null 2>>" .. q(tmp .. "/milter2.log") .. " &")
	ok(wait_for(function()
		local h = io.open(tmp .. "/milter2.log")
		if h == nil then return false end
		local s = h:read("a")
		h:close()
		return s:find("started", 1, true) ~= nil
	end, 10), "a new milter started")
	local c2 = connect()
	c = c2
	L = lead(c)
	r = complaint(LETTER, "<fourth@example.org>")
	local again = false
	for _, m in ipairs({ "first", "second", "third" }) do
		again = again or novelty("repeat; score=1.00; similar=<" .. m .. "@example.org>")
	end
	ok(again, "after a restart the same complaint is still a repeat of one kept before it")
	r = complaint("Please also look at the drain on Oak Street, which has been blocked for weeks and floods the road.\r\n",
		"<fifth@example.org>")
	ok(novelty("new"), "after a restart a different complaint is new")
	mt.disconnect(c2)
end)
