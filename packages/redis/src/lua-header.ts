/**
 * Parses and checks the header comment of a Lua script (BullMQ style). The header is the run of
 * `--` comment lines at the top of the file:
 *
 *   -- fenced-set: write a value only when the caller's fencing token is current.
 *   -- KEYS: 2
 *   --   KEYS[1] fence key: highest fencing token issued/accepted
 *   --   KEYS[2] target key
 *   -- ARGV:
 *   --   ARGV[1] token
 *   --   ARGV[2] value
 *   -- RETURNS: 1 when written, 0 when the token is stale
 *
 * Rules (any violation throws LuaHeaderError naming the file):
 * - a `-- KEYS: <n>` line gives numberOfKeys;
 * - the documented `KEYS[i]` entries are exactly 1..n;
 * - the documented `ARGV[j]` entries are 1..m without gaps (m may be 0);
 * - a `-- RETURNS:` line exists;
 * - the body uses no `KEYS[i]` with i > n and no undocumented `ARGV[j]`.
 *
 * The header ends at the first line that is not a comment, or at the first `-- @include <name>`
 * line (see includes.ts): an include directive is part of the body.
 */
export type LuaHeader = {
  summary: string;
  numberOfKeys: number;
  keys: string[];
  argv: string[];
  returns: string;
};

export class LuaHeaderError extends Error {
  override name = "LuaHeaderError";
}

const KEY_COUNT = /^KEYS:\s*(\d+)\s*$/;
const ENTRY = /^(KEYS|ARGV)\[(\d+)\]\s*(.*)$/;
const RETURNS = /^RETURNS:\s*(.+)$/;

const INCLUDE_LINE = /^\s*--\s*@include\b/;

/** Splits a script into its header comment lines (without `--`, trimmed) and the body after them. */
export function splitLuaHeader(source: string): { header: string[]; headerLines: string[]; body: string } {
  const lines = source.split(/\r?\n/);
  const header: string[] = [];
  let bodyStart = 0;
  for (const line of lines) {
    const m = /^\s*--(.*)$/.exec(line);
    if (!m || INCLUDE_LINE.test(line)) break;
    header.push((m[1] ?? "").trim());
    bodyStart++;
  }
  return { header, headerLines: lines.slice(0, bodyStart), body: lines.slice(bodyStart).join("\n") };
}

const failer = (file: string) => (msg: string): never => {
  throw new LuaHeaderError(`${file}: ${msg} (see the header format in @drops/redis README)`);
};

export function parseLuaHeader(source: string, file: string): LuaHeader {
  const { header, body } = splitLuaHeader(source);
  const fail = failer(file);
  if (header.length === 0) fail("missing header comment");

  let numberOfKeys: number | undefined;
  let returns: string | undefined;
  const keys = new Map<number, string>();
  const argv = new Map<number, string>();
  for (const text of header) {
    const count = KEY_COUNT.exec(text);
    if (count) {
      if (numberOfKeys !== undefined) fail("more than one `-- KEYS: <n>` line");
      numberOfKeys = Number(count[1]);
      continue;
    }
    const entry = ENTRY.exec(text);
    if (entry) {
      const map = entry[1] === "KEYS" ? keys : argv;
      const index = Number(entry[2]);
      if (map.has(index)) fail(`${entry[1]}[${index}] documented twice`);
      map.set(index, (entry[3] ?? "").trim());
      continue;
    }
    const ret = RETURNS.exec(text);
    if (ret) returns = (ret[1] ?? "").trim();
  }
  if (numberOfKeys === undefined) return fail("missing `-- KEYS: <n>` line");
  if (returns === undefined) return fail("missing `-- RETURNS: ...` line");
  const keyList = contiguous(keys, "KEYS", fail);
  if (keyList.length !== numberOfKeys) {
    fail(`header says KEYS: ${numberOfKeys} but documents ${keyList.length} KEYS[i] entries`);
  }
  const argvList = contiguous(argv, "ARGV", fail);
  const parsed = { summary: header[0] ?? "", numberOfKeys, keys: keyList, argv: argvList, returns };
  checkLuaBody(body, parsed, file);
  return parsed;
}

/**
 * Checks Lua code against a script's header: no `KEYS[i]` beyond numberOfKeys, no undocumented
 * `ARGV[j]`. Run on a script's own body and on each fragment it includes (`file` names where the code is).
 */
export function checkLuaBody(body: string, header: Pick<LuaHeader, "numberOfKeys" | "argv">, file: string): void {
  const fail = failer(file);
  for (const m of body.matchAll(/\bKEYS\[(\d+)\]/g)) {
    const i = Number(m[1]);
    if (i < 1 || i > header.numberOfKeys) fail(`body uses KEYS[${i}] but the header declares ${header.numberOfKeys} keys`);
  }
  for (const m of body.matchAll(/\bARGV\[(\d+)\]/g)) {
    const j = Number(m[1]);
    if (j < 1 || j > header.argv.length) fail(`body uses ARGV[${j}] which the header does not document`);
  }
}

function contiguous(map: Map<number, string>, what: string, fail: (msg: string) => never): string[] {
  const out: string[] = [];
  for (let i = 1; i <= map.size; i++) {
    const doc = map.get(i);
    if (doc === undefined) fail(`${what} entries must be numbered 1..${map.size} without gaps`);
    out.push(doc ?? "");
  }
  return out;
}
