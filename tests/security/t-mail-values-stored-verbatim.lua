-- t-mail-values-stored-verbatim: values from mail that reach the event
-- log (queue id, Message-ID, envelope sender, From:, recipients) are
-- stored verbatim with bound parameters: quotes, ';', '--' and
-- "' OR 1=1 --" change nothing else in the database, and
-- `restrictctl events` finds the rows by those exact values.
dofile(lib)

-- sqlq - a string as an SQL literal (for the test's own queries)
local function sqlq(s)
	return "'" .. s:gsub("'", "''") .. "'"
end

local QID = "Q'1;--"
local MID = "<x'); DROP TABLE events; --@example.org>"
local FROM = "o'brien--@example.org"
local RCPT = "<a'or'1'='1@staff.example>"

run(function()
	local id = add(q(FROM) .. " --action watch")
	local tables = sql("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)")
	local restrictions = sql("SELECT count(*) FROM restrictions")
	start()
	local c = connect()
	local r = send(c, { from = "<" .. FROM .. ">", rcpts = { RCPT }, qid = QID,
		headers = { { "From", "\"x' OR 1=1 --\" <" .. FROM .. ">" }, { "Subject", "'; DELETE FROM audit; --" },
			{ "Message-ID", MID } } })
	is(r.eom, SMFIR_ACCEPT, "the message is accepted and tagged")
	r = send(c, { from = "<other'; DROP TABLE restrictions; --@example.net>", rcpts = { RCPT },
		qid = "Q2'); --", headers = { { "From", "\"'); --\" <x@example.net>" },
			{ "Message-ID", "<' OR 1=1 --@example.net>" } } })
	is(r.eom, SMFIR_ACCEPT, "an unrestricted hostile message is accepted")
	mt.disconnect(c)
	ok(wait_for(function() return sql("SELECT count(*) FROM events") == "2" end, 5), "two events written")
	is(sql("SELECT count(*) FROM events WHERE queue_id = " .. sqlq(QID) .. " AND message_id = "
		.. sqlq(MID) .. " AND person = " .. sqlq(FROM)), "1",
		"queue id, Message-ID and person stored verbatim")
	is(sql("SELECT count(*) FROM events WHERE queue_id = " .. sqlq("Q2'); --")
		.. " AND message_id = " .. sqlq("<' OR 1=1 --@example.net>")), "1",
		"the unrestricted message's values stored verbatim")
	is(sql("SELECT count(*) FROM events, json_each(events.outcomes) o WHERE queue_id = " .. sqlq(QID)
		.. " AND json_extract(o.value, '$.address') = " .. sqlq("a'or'1'='1@staff.example")), "1",
		"the recipient stored verbatim in the outcomes")
	is(sql("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)"),
		tables, "every table still exists, none added")
	is(sql("SELECT count(*) FROM restrictions"), restrictions, "the restrictions are untouched")
	is(sql("PRAGMA integrity_check"), "ok", "integrity_check ok")
	local out, code = restrictctl("events --message-id " .. q(MID) .. " --json")
	ok(code == 0 and out:find(QID, 1, true) ~= nil, "restrictctl events --message-id finds it by the exact value")
	out, code = restrictctl("events --queue-id " .. q("x' OR 1=1 --") .. " --json")
	ok(code == 0 and out:gsub("%s", "") == "[]", "an injected --queue-id condition finds nothing")
	out, code = restrictctl("audit --verify")
	is(code, 0, "the audit chain verifies (restriction " .. id .. ")")
end)
