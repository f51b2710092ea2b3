-- lib.lua - what every restrict-milter miltertest script shares.
--
-- Globals from run-lua.sh (-D): bin (daemon wrapper), ctl (restrictctl),
-- conf, db, tmp, sock. Assertions print TAP lines "ok N - what" or
-- "not ok N - what"; run(main) wraps the script in xpcall (miltertest
-- hides uncaught errors), echoes errors and exits non-zero on any failure.

T = { n = 0, failed = 0 }

-- ok - one assertion
function ok(cond, what)
	T.n = T.n + 1
	if cond then
		mt.echo("ok " .. T.n .. " - " .. what)
	else
		mt.echo("not ok " .. T.n .. " - " .. what)
		T.failed = T.failed + 1
	end
	return cond
end

-- is - an equality assertion that shows both values
function is(got, want, what)
	if not ok(got == want, what) then
		mt.echo("#   got:  " .. tostring(got))
		mt.echo("#   want: " .. tostring(want))
	end
end

-- must - an mt.* call that returns nil or an error string
function must(err, what)
	if err ~= nil then error(what .. ": " .. tostring(err), 2) end
end

-- sh - run a shell command, return its output and exit status
function sh(cmd)
	local p = io.popen(cmd .. " 2>&1")
	local out = p:read("a")
	local _, _, code = p:close()
	return out, code
end

-- q - shell-quote one word
function q(s)
	return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- restrictctl - run the CLI on the test database
function restrictctl(args)
	return sh(q(ctl) .. " -c " .. q(conf) .. " -d " .. q(db) .. " " .. args)
end

-- add - add a restriction, return its id (first line of stdout)
function add(args)
	local out, code = restrictctl("add " .. args ..
		" --reason 'test reason' --authorised-by 'Dana Head'")
	local id = tonumber(out:match("^(%d+)"))
	if code ~= 0 or id == nil then error("restrictctl add " .. args .. ": " .. out, 2) end
	return id
end

-- start - start the daemon (stopped by miltertest at the end)
function start(...)
	mt.startfilter(bin, "-f", "-c", conf, ...)
	mt.set_timeout(10)
end

-- every action but SMFIF_ADDRCPT_PAR (0x80): miltertest's MT_RCPTADD only
-- sees plain SMFIR_ADDRCPT, so tests offer the MTA actions without it
-- (t-protocol-negotiation checks ADDRCPT_PAR is asked for when offered)
ACTIONS_NO_PAR = 0x17F

-- connect - a new connection from ip (default an external documentation
-- address); par = true offers SMFIF_ADDRCPT_PAR too (miltertest's defaults)
function connect(ip, par, path)
	local c = mt.connect(path or sock, 100, 0.05)
	if c == nil then error("mt.connect(" .. (path or sock) .. ") failed", 2) end
	if not par then must(mt.negotiate(c, 6, nil, ACTIONS_NO_PAR), "negotiate") end
	must(mt.conninfo(c, "client.example", ip or "192.0.2.10"), "conninfo")
	return c
end

-- lead - the leading space header values carry when HDR_LEADSPC was negotiated
function lead(c)
	if mt.test_option(c, SMFIP_HDR_LEADSPC) then return " " end
	return ""
end

-- send - one message; returns { mail=, rcpt={...}, body=, eom= } replies (eom nil when
-- every recipient was refused). m: from, rcpts, headers {{name, value}...},
-- qid, macros {{name, value}...} at MAIL, body
function send(c, m)
	local r = { rcpt = {} }
	-- qid = false: no queue id yet (an empty macro clears the last message's)
	local qid = m.qid
	if qid == nil then qid = "QID" .. tostring(math.random(100000, 999999)) end
	if qid == false then qid = "" end
	-- one macro command per stage: a second one replaces the first
	local mac = { "i", qid }
	for _, kv in ipairs(m.macros or {}) do
		table.insert(mac, kv[1])
		table.insert(mac, kv[2])
	end
	mt.macro(c, SMFIC_MAIL, table.unpack(mac))
	must(mt.mailfrom(c, m.from), "mailfrom")
	r.mail = mt.getreply(c)
	if r.mail ~= SMFIR_CONTINUE then return r end
	local accepted = 0
	for i, rc in ipairs(m.rcpts) do
		mt.macro(c, SMFIC_RCPT, "i", qid)
		must(mt.rcptto(c, rc), "rcptto " .. rc)
		r.rcpt[i] = mt.getreply(c)
		if r.rcpt[i] == SMFIR_CONTINUE then accepted = accepted + 1 end
	end
	if accepted == 0 then
		must(mt.abort(c), "abort")
		return r
	end
	if not mt.test_option(c, SMFIP_NODATA) then must(mt.data(c), "data") end
	for _, h in ipairs(m.headers or {}) do must(mt.header(c, h[1], h[2]), "header " .. h[1]) end
	if not mt.test_option(c, SMFIP_NOEOH) then must(mt.eoh(c), "eoh") end
	if not mt.test_option(c, SMFIP_NOBODY) then
		must(mt.bodystring(c, m.body or "Hello.\r\n"), "body")
		r.body = mt.getreply(c)
	end
	must(mt.eom(c), "eom")
	r.eom = mt.getreply(c)
	return r
end

-- hdrs - a header list with From, To, Subject and a unique Message-ID
local serial = 0
function hdrs(from, extra)
	serial = serial + 1
	local h = { { "From", from }, { "To", "alice@staff.example" },
		{ "Subject", "A letter" },
		{ "Message-ID", "<m" .. serial .. "." .. os.time() .. "@example.org>" } }
	for _, x in ipairs(extra or {}) do table.insert(h, x) end
	return h
end

-- log_count - lines of the daemon's log containing the plain text s
function log_count(s)
	local f = io.open(tmp .. "/milter.log")
	if f == nil then return 0 end
	local n = 0
	for line in f:lines() do
		if line:find(s, 1, true) then n = n + 1 end
	end
	f:close()
	return n
end

-- sql - one query on the test database with the sqlite3 shell ("" without it)
function sql(query)
	local out = sh("sqlite3 -cmd '.timeout 5000' " .. q(db) .. " " .. q(query))
	return (out:gsub("%s+$", ""))
end

-- wait_for - poll fn() for up to secs seconds
function wait_for(fn, secs)
	local t = 0
	while t < secs do
		if fn() then return true end
		mt.sleep(0.05)
		t = t + 0.05
	end
	return fn()
end

-- run - the script's body under xpcall, then the verdict
function run(main)
	local good, err = xpcall(main, debug.traceback)
	if not good then
		mt.echo("not ok " .. (T.n + 1) .. " - the script ran to its end")
		mt.echo("# ERROR: " .. tostring(err))
		T.failed = T.failed + 1
	end
	mt.echo("# " .. T.n .. " assertions, " .. T.failed .. " failed")
	if T.failed > 0 then error("failed") end
end
