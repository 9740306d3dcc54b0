import { AppError, conflict, unauthorized, type Role } from "@drops/http";
import type { Db } from "./prisma.ts";
import { isUniqueViolation } from "./errors.ts";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../domain/password.ts";
import { newUser, normalizeEmail, withRole, type SignupInput, type UserView } from "../domain/users.ts";

type UserRow = { id: string; email: string; displayName: string; roles: Role[] };

export function userView(u: UserRow): UserView {
  return { userId: u.id, email: u.email, displayName: u.displayName, roles: u.roles };
}

/** Creates a buyer; 409 EMAIL_TAKEN when the e-mail exists in any letter case. */
export async function signup(db: Db, input: SignupInput, roles: Role[] = ["buyer"]): Promise<UserView> {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.user.create({ data: { ...newUser(input), passwordHash, roles } });
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

/** A user id by e-mail (any letter case), if the account exists. */
export async function userIdByEmail(db: Db, email: string): Promise<string | undefined> {
  const user = await db.user.findUnique({ where: { email: normalizeEmail(email) }, select: { id: true } });
  return user?.id;
}

/**
 * Makes sure an admin with `email` exists: creates it with `password` when missing, or adds the
 * admin role to an existing account. An existing password is never overwritten. Idempotent.
 */
export async function ensureAdmin(db: Db, email: string, password: string): Promise<{ userId: string; created: boolean }> {
  const normalized = normalizeEmail(email);
  const existing = await db.user.findUnique({ where: { email: normalized } });
  if (existing) {
    const roles = withRole(existing.roles, "admin");
    if (roles) await db.user.update({ where: { id: existing.id }, data: { roles: { set: roles } } });
    return { userId: existing.id, created: false };
  }
  try {
    const user = await signup(db, { email: normalized, password, displayName: "Administrator" }, ["buyer", "admin"]);
    return { userId: user.userId, created: true };
  } catch (err) {
    // another process created it in between: make sure of the role through the first branch
    if (err instanceof AppError && err.code === "EMAIL_TAKEN") return ensureAdmin(db, email, password);
    throw err;
  }
}

/** Adds `role` to a user's roles (idempotent). */
export async function grantRole(db: Db, userId: string, role: Role): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { roles: true } });
  const roles = user && withRole(user.roles, role);
  if (roles) await db.user.update({ where: { id: userId }, data: { roles: { set: roles } } });
}
