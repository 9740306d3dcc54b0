import t from "tap";
import { readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { scriptName } from "@drops/redis";
import { SCRIPT_VERSION, STOCK_LUA_DIR, STOCK_SCRIPTS } from "../../../src/store/stock/scripts.ts";

t.test("the stock scripts are the .lua files of lua/ (no other list), each one self-contained", async (t) => {
  const files = readdirSync(STOCK_LUA_DIR).filter((f) => f.endsWith(".lua")).sort();
  t.same(STOCK_SCRIPTS.map((s) => s.name), files.map((f) => scriptName(f)));
  const problems: string[] = [];
  for (const s of STOCK_SCRIPTS) {
    if (/^\s*--\s*@include\s+[\w-]+\s*$/m.test(s.lua)) problems.push(`${s.name}: an include left un-inlined`);
    for (const fn of s.lua.matchAll(/^local function (\w+)\(/gm)) {
      const name = fn[1]!;
      if (s.lua.split(`local function ${name}(`).length !== 2) problems.push(`${s.name}: ${name} defined more than once`);
    }
  }
  t.same(problems, []);
  // the waiting room's configure, leave and away never read the clock
  const timeless = ["queueAway", "queueConfigure", "queueLeave"];
  const time = STOCK_SCRIPTS.filter((s) => s.includes.includes("server-time")).map((s) => s.name);
  t.same(time, STOCK_SCRIPTS.map((s) => s.name).filter((n) => !timeless.includes(n)), "every script that reads the clock takes its time from the one server-time fragment");
  t.same(STOCK_SCRIPTS.filter((s) => timeless.includes(s.name) && /\bTIME\b|nowMs/.test(s.lua)).map((s) => s.name), [], "the timeless ones read no clock");
});

t.test("SCRIPT_VERSION is the sha1 over every script's name and inlined source", async (t) => {
  const h = createHash("sha1");
  for (const s of STOCK_SCRIPTS) h.update(`${s.name}\0${s.lua}\0`);
  t.equal(SCRIPT_VERSION, h.digest("hex"));
});
