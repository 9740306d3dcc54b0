/**
 * The anatomy every service must have (ARCHITECTURE.md "Anatomy of a service"), as a list of
 * problems: what is in src/ at the top level, that app.ts exports buildApp, that main.ts is the
 * one-liner, and that src/domain/ stays pure (no I/O imports, no clock, no id generator).
 * Files are parsed with the TypeScript compiler, so comments and strings never count.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export const REQUIRED_FILES = ["main.ts", "instrument.ts", "app.ts", "config.ts"] as const;
export const OPTIONAL_FILES = ["clients.ts", "workers.ts"] as const;
export const OPTIONAL_DIRS = ["domain", "handlers", "routes", "store", "workers", "generated"] as const;
/** Statement lines main.ts may have besides its imports. */
export const MAIN_MAX_LINES = 8;

/** Modules src/domain may not import (a name, or any subpath of it: `pg` covers `pg/lib/x`). */
export const DOMAIN_FORBIDDEN_MODULES = [
  "fastify",
  "@fastify/*",
  "pg",
  "ioredis",
  "kafkajs",
  "@prisma/*",
  "@drops/db",
  "@drops/redis",
  "@drops/kafka",
  "@drops/clients",
  "node:fs",
  "fs",
  "node:net",
  "net",
  "node:http",
  "http",
  "undici",
] as const;

/** Parts of src/ that do I/O or wire it: src/domain may not import them. */
const DOMAIN_FORBIDDEN_SRC = ["store", "routes", "handlers", "workers", "generated", "workers.ts", "clients.ts", "app.ts", "main.ts", "instrument.ts"];

/** Every problem with the service at `serviceDir` (its folder name is used in the messages). */
export function anatomyProblems(serviceDir: string): string[] {
  const name = serviceDir.split(sep).filter(Boolean).at(-1) ?? serviceDir;
  const src = join(serviceDir, "src");
  if (!existsSync(src)) return [`${name}: no src/`];
  return [...topLevelProblems(name, src), ...appProblems(name, src), ...mainProblems(name, src), ...domainProblems(name, src)];
}

function topLevelProblems(name: string, src: string): string[] {
  const problems: string[] = [];
  const entries = readdirSync(src, { withFileTypes: true });
  const files: readonly string[] = [...REQUIRED_FILES, ...OPTIONAL_FILES];
  const dirs: readonly string[] = OPTIONAL_DIRS;
  for (const e of entries) {
    if (e.isDirectory() && dirs.includes(e.name)) continue;
    if (e.isFile() && files.includes(e.name)) continue;
    const what = e.isDirectory() ? `src/${e.name}/` : `src/${e.name}`;
    problems.push(`${name}: ${what} is not part of the anatomy (files: ${files.join(", ")}; folders: ${dirs.join(", ")})`);
  }
  for (const file of REQUIRED_FILES) {
    if (!entries.some((e) => e.isFile() && e.name === file)) problems.push(`${name}: src/${file} is missing`);
  }
  return problems;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function hasExport(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function appProblems(name: string, src: string): string[] {
  const file = join(src, "app.ts");
  if (!existsSync(file)) return [];
  const exportsBuildApp = parse(file).statements.some((s) => {
    if (ts.isFunctionDeclaration(s)) return hasExport(s) && s.name?.text === "buildApp";
    if (ts.isVariableStatement(s)) return hasExport(s) && s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === "buildApp");
    if (ts.isExportDeclaration(s) && s.moduleSpecifier === undefined && s.exportClause && ts.isNamedExports(s.exportClause)) {
      return s.exportClause.elements.some((e) => e.name.text === "buildApp");
    }
    return false;
  });
  return exportsBuildApp ? [] : [`${name}: src/app.ts does not export buildApp`];
}

function mainProblems(name: string, src: string): string[] {
  const file = join(src, "main.ts");
  if (!existsSync(file)) return [];
  const sf = parse(file);
  const lines = new Set<number>();
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s)) continue;
    const first = sf.getLineAndCharacterOfPosition(s.getStart(sf)).line;
    const last = sf.getLineAndCharacterOfPosition(s.getEnd()).line;
    for (let l = first; l <= last; l++) lines.add(l);
  }
  return lines.size > MAIN_MAX_LINES ? [`${name}: src/main.ts has ${lines.size} lines besides its imports (at most ${MAIN_MAX_LINES}: runService({ config, build: buildApp, afterClose }))`] : [];
}

function tsFilesUnder(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function forbiddenModule(spec: string): string | undefined {
  return DOMAIN_FORBIDDEN_MODULES.find((m) => (m.endsWith("/*") ? spec.startsWith(m.slice(0, -1)) : spec === m || spec.startsWith(`${m}/`)));
}

/** The module specifiers a file loads: import/export-from declarations, `import x = require()`, `import()` and `require()`. */
function moduleSpecifiers(sf: ts.SourceFile): { spec: string; node: ts.Node }[] {
  const out: { spec: string; node: ts.Node }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, node });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push({ spec: node.moduleReference.expression.text, node });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      if (isImport || isRequire) out.push({ spec: node.arguments[0].text, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Reads of the clock and the id generator: Date.now (called or passed), new Date() without arguments, randomUUID(). */
function impureCalls(sf: ts.SourceFile): { what: string; node: ts.Node }[] {
  const out: { what: string; node: ts.Node }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Date" && node.name.text === "now") {
      out.push({ what: "Date.now()", node });
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Date" && (node.arguments ?? []).length === 0) {
      out.push({ what: "new Date()", node });
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (name === "randomUUID") out.push({ what: "randomUUID()", node });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function domainProblems(name: string, src: string): string[] {
  const problems: string[] = [];
  const domain = join(src, "domain");
  for (const file of tsFilesUnder(domain)) {
    const sf = parse(file);
    const at = (node: ts.Node): string => `${name}: src/${relative(src, file).split(sep).join("/")}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
    for (const { spec, node } of moduleSpecifiers(sf)) {
      const mod = forbiddenModule(spec);
      if (mod !== undefined) {
        problems.push(`${at(node)} imports ${spec} (domain/ does no I/O)`);
        continue;
      }
      if (!spec.startsWith(".")) continue;
      const target = relative(src, resolve(dirname(file), spec)).split(sep);
      if (target[0] === ".." || target[0] === "") problems.push(`${at(node)} imports ${spec}, outside the service's src/`);
      else if (DOMAIN_FORBIDDEN_SRC.includes(target[0]!)) problems.push(`${at(node)} imports ${spec} (src/${target[0]}: domain/ may not reach I/O code)`);
    }
    for (const { what, node } of impureCalls(sf)) problems.push(`${at(node)} calls ${what} (time and ids are passed in)`);
  }
  return problems;
}
