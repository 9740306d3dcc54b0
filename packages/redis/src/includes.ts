/**
 * Lua includes (BullMQ style): a line `-- @include <name>` in a script is replaced by the file
 * `<includeDir>/<name>.lua` (by default the `includes/` folder next to the script), so shared
 * fragments (server time, record parsing, event appends) are written once while each script stays
 * one self-contained program on the server (EVALSHA of the inlined source: still one atomic script).
 *
 * - Recursive: an include may include others (from the same folder).
 * - Each include is inlined once per script, at its first directive; later directives for the same
 *   name (from the script or another include) become a comment, so a cycle cannot loop.
 * - A missing include, or a name that is not [A-Za-z0-9_-]+, is a LuaIncludeError naming the file
 *   and line of the directive and the file that was looked for.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export class LuaIncludeError extends Error {
  override name = "LuaIncludeError";
}

/** One fragment inlined into a script. */
export type LuaInclude = { name: string; file: string; source: string };

const DIRECTIVE = /^\s*--\s*@include\b\s*(.*?)\s*$/;
const NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Replaces every `-- @include <name>` line of `source` (from `file`) with the fragment, recursively.
 * `firstLine` is the line of `file` that `source` starts at (for the error messages).
 */
export function inlineIncludes(source: string, file: string, includeDir: string, firstLine = 1): { lua: string; includes: LuaInclude[] } {
  const included = new Map<string, LuaInclude>();

  function expand(text: string, from: string, first: number): string {
    return text
      .split(/\r?\n/)
      .map((line, i) => {
        const m = DIRECTIVE.exec(line);
        if (!m) return line;
        const name = m[1] ?? "";
        const at = `${from}:${first + i}`;
        if (!NAME.test(name)) throw new LuaIncludeError(`${at}: bad include name ${JSON.stringify(name)} (expected \`-- @include <name>\`, [A-Za-z0-9_-]+)`);
        if (included.has(name)) return `-- @include ${name}: already inlined above`;
        const path = join(includeDir, `${name}.lua`);
        if (!existsSync(path)) throw new LuaIncludeError(`${at}: -- @include ${name}: no file ${path}`);
        const fragment: LuaInclude = { name, file: path, source: readFileSync(path, "utf8") };
        included.set(name, fragment);
        return [`-- >>> @include ${name}`, expand(fragment.source.replace(/\r?\n$/, ""), path, 1), `-- <<< @include ${name}`].join("\n");
      })
      .join("\n");
  }

  const lua = expand(source, file, firstLine);
  return { lua, includes: [...included.values()] };
}
