/** Users: the catalog's rules about accounts, without storage. */
import type { Role } from "@drops/http";

export type UserView = { userId: string; email: string; displayName: string; roles: Role[] };

export type SignupInput = { email: string; password: string; displayName: string };

/** E-mails are unique case-insensitively: stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What is stored of a sign-up (the password is hashed separately). */
export function newUser(input: Omit<SignupInput, "password">): { email: string; displayName: string } {
  return { email: normalizeEmail(input.email), displayName: input.displayName.trim() };
}

/** `roles` plus `role`, or null when the user already has it (nothing to store). */
export function withRole(roles: readonly Role[], role: Role): Role[] | null {
  return roles.includes(role) ? null : [...roles, role];
}
