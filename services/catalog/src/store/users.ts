import { conflict, unauthorized } from "@drops/http";
import type { Db } from "./prisma.ts";
import { isUniqueViolation } from "./errors.ts";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../domain/password.ts";
import type { Role } from "@drops/http";

export type UserView = { userId: string; email: string; displayName: string; roles: Role[] };
type UserRow = { id: string; email: string; displayName: string; roles: Role[] };

/** E-mails are unique case-insensitively: stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function userView(u: UserRow): UserView {
  return { userId: u.id, email: u.email, displayName: u.displayName, roles: u.roles };
}

export type SignupInput = { email: string; password: string; displayName: string };

/** Creates a buyer; 409 EMAIL_TAKEN when the e-mail exists in any letter case. */
export async function signup(db: Db, input: SignupInput, roles: Role[] = ["buyer"]): Promise<UserView> {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.user.create({
      data: { email: normalizeEmail(input.email), passwordHash, displayName: input.displayName.trim(), roles },
    });
    return userView(user);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("an account with this e-mail already exists", "EMAIL_TAKEN");
    throw err;
  }
}

/** Verifies the password; unknown e-mail and wrong password are the same 401 INVALID_CREDENTIALS. */
export async function login(db: Db, input: { email: string; password: string }): Promise<UserView> {
  const user = await db.user.findUnique({ where: { email: normalizeEmail(input.email) } });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await DUMMY_HASH));
  if (!user || !ok) throw unauthorized("wrong e-mail or password", "INVALID_CREDENTIALS");
  return userView(user);
}

export async function getUser(db: Db, userId: string): Promise<UserView | undefined> {
  const user = await db.user.findUnique({ where: { id: userId } });
  return user ? userView(user) : undefined;
}

/**
 * Makes sure an admin with `email` exists: creates it with `password` when missing, or adds the
 * admin role to an existing account. An existing password is never overwritten. Idempotent.
 */
export async function ensureAdmin(db: Db, email: string, password: string): Promise<{ userId: string; created: boolean }> {
  const normalized = normalizeEmail(email);
  const existing = await db.user.findUnique({ where: { email: normalized } });
  if (existing) {
    if (!existing.roles.includes("admin")) {
      await db.user.update({ where: { id: existing.id }, data: { roles: { set: [...new Set<Role>([...existing.roles, "admin"])] } } });
    }
    return { userId: existing.id, created: false };
  }
  try {
    const user = await signup(db, { email: normalized, password, displayName: "Administrator" }, ["buyer", "admin"]);
    return { userId: user.userId, created: true };
  } catch (err) {
    // another process created it in between: make sure of the role through the first branch
    if (err instanceof Error && "code" in err && err.code === "EMAIL_TAKEN") return ensureAdmin(db, email, password);
    throw err;
  }
}

/** Adds `role` to a user's roles (idempotent). */
export async function grantRole(db: Db, userId: string, role: Role): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { roles: true } });
  if (!user || user.roles.includes(role)) return;
  await db.user.update({ where: { id: userId }, data: { roles: { set: [...user.roles, role] } } });
}
