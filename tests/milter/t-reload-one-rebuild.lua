-- t-reload-one-rebuild: a restrictctl change reaches the running milter
-- within one second, one change is exactly one rebuild however much mail
-- flows, and the event writer's commits cause none.
dofile(lib)
run(function()
	start()
	local c = connect()
	ok(wait_for(function() return log_count("snapshot rebuilt: generation") == 1 end, 3), "first snapshot built at start")
	local r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_CONTINUE, "before the change: accepted")
	local id = add("bob@example.org --action block")
	mt.sleep(1.0)
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_REPLYCODE, "one second after restrictctl add: refused")
	local t0 = os.clock()
	for i = 1, 100 do
		send(c, { from = "<other" .. i .. "@example.net>", rcpts = { "<alice@staff.example>" },
			headers = hdrs("other" .. i .. "@example.net") })
	end
	mt.echo("# 100 messages in " .. string.format("%.2f", os.clock() - t0) .. " s of miltertest CPU")
	ok(wait_for(function() return sql("SELECT count(*) FROM events") == "102" end, 5), "102 events written")
	mt.sleep(0.6)
	is(log_count("snapshot rebuilt: generation"), 2, "exactly one rebuild for the one change (plus the first)")
	ok(log_count("1 restrictions, 1 selectors") == 1, "rebuild line counts restrictions and selectors")
	restrictctl("lift " .. id .. " --by 'Dana Head' --reason done")
	mt.sleep(1.0)
	r = send(c, { from = "<bob@example.org>", rcpts = { "<alice@staff.example>" }, headers = hdrs("bob@example.org") })
	is(r.rcpt[1], SMFIR_CONTINUE, "after lift: accepted again")
	mt.disconnect(c)
end)
